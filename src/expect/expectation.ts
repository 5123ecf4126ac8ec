import type { Unit } from '../measure.js';
import { convert, describeUnit, formatValue, isWritableUnit, WRITABLE_UNITS, type WritableUnit } from './units.js';

export const OPERATORS = ['==', '!=', '<=', '>=', '<', '>'] as const;
export type Operator = (typeof OPERATORS)[number];

/**
 * A parsed `expect:` entry. Absolute: `"<op> <value>[unit]"`, e.g. `">= 90%"`, `"<= 50ms"`, `"== 0"`.
 * Relative to the base verdict's value of the same metric: `"<op> base [(+|-) <amount>]"`, where
 * the amount says what kind of difference it is, so that a percentage is never ambiguous:
 * `0.5 points` (percentage points, for % metrics), `10% of base` (a relative change), `20 ms` or a
 * bare number (an amount in a unit, or in the metric's own unit for counts).
 */
export interface Expectation {
  op: Operator;
  /** the bound (absolute), or the amount added to or taken from the base (relative; 0 for none) */
  value: number;
  unit?: WritableUnit;
  /** the text as the policy author wrote it */
  text: string;
  relative?: Relative;
}

export interface Relative {
  sign: 1 | -1;
  /** none: the base itself; points: percentage points; share: N% of the base; amount: value[unit] */
  kind: 'none' | 'points' | 'share' | 'amount';
}

// Linear and anchored: an operator, a run of number characters (checked strictly below, so that a
// misspelt number gets its own message), an optional unit word.
const EXPECTATION = /^\s*(==|!=|<=|>=|<|>)\s*([-+]?[0-9.,_]+(?:[eE][-+]?[0-9.,_]+)?)\s*([A-Za-z%]+)?\s*$/;

/**
 * The one way a policy writes a number: optional sign, a whole part without leading zeros
 * (optionally "_" between groups of three digits), an optional "." and fraction, an optional
 * exponent. No ",": in "1,000" it could be a thousands separator or a decimal comma ("0,5").
 */
const NUMBER = /^[-+]?(?:0|[1-9][0-9]*|[1-9][0-9]{0,2}(?:_[0-9]{3})+)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?$/;

// `<op> base`, optionally `+`/`-` an amount and what kind of amount it is
const RELATIVE = /^\s*(==|!=|<=|>=|<|>)\s*base\b\s*(?:([-+])\s*([-+]?[0-9.,_]+(?:[eE][-+]?[0-9.,_]+)?)\s*(.*?))?\s*$/;
const WORD_BASE = /\bbase\b/;

export function parseExpectation(text: string): Expectation | { error: string } {
  if (WORD_BASE.test(text)) return parseRelative(text);
  const match = EXPECTATION.exec(text);
  if (!match) {
    const spaced = /[0-9]\s+[0-9]/.test(text) ? '; a number has no spaces inside (write 1000 or 1_000)' : '';
    return {
      error: `cannot read the expectation "${text}": write "<op> <value>[unit]" with op one of ${OPERATORS.join(' ')}, e.g. ">= 90%" or "<= 50ms"${spaced}`,
    };
  }
  const [, op, number, unit] = match;
  const value = parseNumber(number!);
  if (typeof value !== 'number') return { error: `in "${text.trim()}": ${value.error}` };
  if (unit !== undefined && !isWritableUnit(unit)) {
    return { error: `unknown unit "${unit}" in "${text}"; units are ${WRITABLE_UNITS.join(' ')}` };
  }
  return unit === undefined ? { op: op as Operator, value, text: text.trim() } : { op: op as Operator, value, unit, text: text.trim() };
}

const RELATIVE_FORMS = '"<op> base", "<op> base - 0.5 points", "<op> base + 10% of base" or "<op> base + 20 ms"';

function parseRelative(text: string): Expectation | { error: string } {
  const match = RELATIVE.exec(text);
  if (!match) return { error: `cannot read the relative expectation "${text.trim()}": write ${RELATIVE_FORMS}` };
  const [, op, sign, number, rest] = match;
  const base = { op: op as Operator, text: text.trim() };
  if (sign === undefined) return { ...base, value: 0, relative: { sign: 1, kind: 'none' } };
  const value = parseNumber(number!);
  if (typeof value !== 'number') return { error: `in "${text.trim()}": ${value.error}` };
  if (value < 0 || /^[-+]/.test(number!)) return { error: `in "${text.trim()}": write the amount without a sign; "+" or "-" before it says which way` };
  const relative = (kind: Relative['kind']): Relative => ({ sign: sign === '-' ? -1 : 1, kind });
  const word = rest!.trim();
  if (/^(points?|pp)$/.test(word)) return { ...base, value, relative: relative('points') };
  if (/^%\s*of\s+base$/.test(word)) return { ...base, value, relative: relative('share') };
  if (word === '%') {
    return {
      error: `"${text.trim()}" is ambiguous: write "${op} base ${sign} ${number} points" for percentage points, or "${op} base ${sign} ${number}% of base" for a change relative to the base`,
    };
  }
  if (word === '') return { ...base, value, relative: relative('amount') };
  if (!isWritableUnit(word)) return { error: `unknown amount "${word}" in "${text.trim()}": write ${RELATIVE_FORMS}` };
  return { ...base, value, unit: word, relative: relative('amount') };
}

/**
 * Checks a relative expectation against the metric's unit (policy time, when the unit is known):
 * points only for percentages, and an amount that fits the metric. `undefined` when it fits.
 */
export function relativeProblem(e: Expectation, metricUnit: Unit | undefined): string | undefined {
  const relative = e.relative;
  if (!relative) return undefined;
  const percent = metricUnit === '%' || metricUnit === 'ratio';
  if (relative.kind === 'points' && !percent) {
    return `"points" are percentage points, for percentage metrics; this metric is ${describeUnit(metricUnit)}: write "base ${relative.sign < 0 ? '-' : '+'} ${e.value}${metricUnit ? ` ${metricUnit}` : ''}" or "base ${relative.sign < 0 ? '-' : '+'} ${e.value}% of base"`;
  }
  if (relative.kind === 'amount' && percent && e.unit === undefined) {
    return `"${e.text}" is ambiguous for a percentage: write "base ${relative.sign < 0 ? '-' : '+'} ${e.value} points" (percentage points) or "base ${relative.sign < 0 ? '-' : '+'} ${e.value}% of base" (relative)`;
  }
  if (relative.kind === 'amount' && e.unit !== undefined) {
    const converted = convert(e.value, e.unit, metricUnit);
    if (typeof converted !== 'number') return converted.error;
  }
  return undefined;
}

/**
 * The bound a relative expectation sets on `base` (the base verdict's value, in the metric's unit),
 * to 12 significant digits so that 81.2 - 0.5 is 80.7 and not 80.69999999999999.
 */
export function relativeBound(e: Expectation, base: number, metricUnit: Unit | undefined): number | { error: string } {
  const relative = e.relative!;
  let bound: number;
  switch (relative.kind) {
    case 'none':
      bound = base;
      break;
    case 'points':
      if (metricUnit !== '%' && metricUnit !== 'ratio') return { error: `"points" need a percentage metric; this one is ${describeUnit(metricUnit)}` };
      bound = base + (relative.sign * e.value) / (metricUnit === 'ratio' ? 100 : 1);
      break;
    case 'share':
      bound = base * (1 + (relative.sign * e.value) / 100);
      break;
    case 'amount': {
      const problem = relativeProblem(e, metricUnit);
      if (problem !== undefined) return { error: problem };
      const amount = convert(e.value, e.unit, metricUnit);
      if (typeof amount !== 'number') return amount;
      bound = base + relative.sign * amount;
      break;
    }
  }
  return Number(bound.toPrecision(12));
}

/** A number as a policy writes it, or why it is refused, with the spelling to use instead. */
export function parseNumber(written: string): number | { error: string } {
  if (!NUMBER.test(written)) return { error: misspelt(written) };
  const value = Number(written.replace(/_/g, ''));
  if (!Number.isFinite(value)) return { error: `${written} is too large to be a number` };
  // 1e-400 would silently become 0
  if (value === 0 && /[1-9]/.test(written.split(/[eE]/)[0]!)) return { error: `${written} is too small to be told from 0` };
  return value;
}

function misspelt(written: string): string {
  const sign = /^[-+]/.test(written) ? written[0]! : '';
  const body = written.slice(sign.length);
  const bare = body.replace(/[eE][-+]?[0-9]+$/, '');
  const exponent = body.slice(bare.length);
  if (bare.includes(',')) {
    const thousands = `${sign}${bare.replace(/,/g, '')}${exponent}`;
    const decimal = `${sign}${bare.replace(',', '.')}${exponent}`;
    const single = bare.split(',').length === 2 && !bare.includes('.');
    if (/^[0-9]{1,3}(?:,[0-9]{3})+$/.test(bare)) {
      // "13,000": thirteen thousand, or thirteen with a decimal comma?
      return `${written} is ambiguous: is "," a thousands separator or a decimal comma? Write ${thousands} (or with "_": ${withUnderscores(thousands)})${single ? `, or ${decimal} for a decimal` : ''}; a policy number uses "." as the decimal point and never ","`;
    }
    if (single && /^[0-9]*,[0-9]+$/.test(bare)) return `${written} has a decimal comma: write ${sign}${bare.startsWith(',') ? '0' : ''}${bare.replace(',', '.')}${exponent}; a policy number uses "." as the decimal point`;
    return `${written} is not a number: a policy number uses "." as the decimal point and no ","; group digits with "_" (1_000_000.5)`;
  }
  if ((bare.match(/\./g) ?? []).length > 1) {
    return `${written} has more than one ".": "." is only the decimal point; for thousands write ${sign}${bare.replace(/\./g, '')}${exponent} or use "_" (1_000_000)`;
  }
  if (bare.startsWith('.')) return `write ${sign}0${bare}${exponent} instead of ${written}: a number starts with a digit`;
  if (bare.endsWith('.')) return `write ${sign}${bare.slice(0, -1)}${exponent} instead of ${written}: a "." needs digits after it`;
  if (/^0[0-9_]/.test(bare)) return `${written} starts with 0: write ${sign}${bare.replace(/^[0_]+(?=[0-9])/, '')}${exponent} (a leading 0 can mean octal elsewhere)`;
  if (bare.includes('_')) return `in ${written}, "_" goes between groups of three digits of the whole part (1_000_000.25)`;
  return `${written} is not a number: write digits with an optional "." and exponent, e.g. 90, 0.5, 1.5e3`;
}

function withUnderscores(plain: string): string {
  const match = /^([-+]?)([0-9]+)(.*)$/.exec(plain);
  if (!match) return plain;
  const [, sign, whole, rest] = match;
  return `${sign}${whole!.replace(/\B(?=(?:[0-9]{3})+$)/g, '_')}${rest}`;
}

export interface CheckResult {
  ok: boolean;
  /** the expected value converted into the metric's unit */
  expected: number;
}

/**
 * Compares a measured value (in `metricUnit`) with an expectation; unit errors are reported, not
 * guessed. A relative expectation needs the base's value (in the same unit).
 */
export function check(expectation: Expectation, actual: number, metricUnit: Unit | undefined, base?: number): CheckResult | { error: string } {
  if (expectation.relative) {
    if (base === undefined) return { error: 'a relative expectation needs the base value' };
    const bound = relativeBound(expectation, base, metricUnit);
    if (typeof bound !== 'number') return bound;
    if (Number.isNaN(actual)) return { ok: false, expected: bound };
    return { ok: compare(actual, expectation.op, bound), expected: bound };
  }
  const expected = convert(expectation.value, expectation.unit, metricUnit);
  if (typeof expected !== 'number') return expected;
  if (Number.isNaN(actual)) return { ok: false, expected };
  return { ok: compare(actual, expectation.op, expected), expected };
}

function compare(actual: number, op: Operator, expected: number): boolean {
  switch (op) {
    case '==':
      return actual === expected;
    case '!=':
      return actual !== expected;
    case '<':
      return actual < expected;
    case '<=':
      return actual <= expected;
    case '>':
      return actual > expected;
    case '>=':
      return actual >= expected;
  }
}

export function describeExpectation(e: Expectation, metricUnit: Unit | undefined): string {
  if (e.relative) return describeRelative(e);
  if (e.unit !== undefined) return `${e.op} ${formatNumber(e.value)}${e.unit === '%' ? '%' : ` ${e.unit}`}`;
  return `${e.op} ${formatValue(e.value, metricUnit === 'ratio' ? undefined : metricUnit)}`;
}

function formatNumber(n: number): string {
  return Number(n.toPrecision(12)).toString();
}

/** "base", "base - 0.5 points", "base + 10% of base", "base + 20 ms" */
export function describeRelative(e: Expectation): string {
  const r = e.relative!;
  const head = `${e.op} base`;
  if (r.kind === 'none') return head;
  const sign = r.sign < 0 ? '-' : '+';
  const amount = formatNumber(e.value);
  switch (r.kind) {
    case 'points':
      return `${head} ${sign} ${amount} ${e.value === 1 ? 'point' : 'points'}`;
    case 'share':
      return `${head} ${sign} ${amount}% of base`;
    case 'amount':
      return `${head} ${sign} ${amount}${e.unit !== undefined ? ` ${e.unit}` : ''}`;
  }
}
