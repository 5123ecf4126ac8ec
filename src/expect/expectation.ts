import type { Unit } from '../measure.js';
import { convert, formatValue, isWritableUnit, WRITABLE_UNITS, type WritableUnit } from './units.js';

export const OPERATORS = ['==', '!=', '<=', '>=', '<', '>'] as const;
export type Operator = (typeof OPERATORS)[number];

/** A parsed `expect:` entry: `"<op> <value>[unit]"`, e.g. `">= 90%"`, `"<= 50ms"`, `"== 0"`. */
export interface Expectation {
  op: Operator;
  value: number;
  unit?: WritableUnit;
  /** the text as the policy author wrote it */
  text: string;
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

export function parseExpectation(text: string): Expectation | { error: string } {
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

/** Compares a measured value (in `metricUnit`) with an expectation; unit errors are reported, not guessed. */
export function check(expectation: Expectation, actual: number, metricUnit: Unit | undefined): CheckResult | { error: string } {
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
  if (e.unit !== undefined) return `${e.op} ${formatNumber(e.value)}${e.unit === '%' ? '%' : ` ${e.unit}`}`;
  return `${e.op} ${formatValue(e.value, metricUnit === 'ratio' ? undefined : metricUnit)}`;
}

function formatNumber(n: number): string {
  return Number(n.toPrecision(12)).toString();
}
