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

// Linear and anchored: operator, a number (optionally with _ or , thousands separators and an
// exponent), an optional unit word.
const EXPECTATION = /^\s*(==|!=|<=|>=|<|>)\s*(-?(?:\d[\d_,]*)(?:\.\d+)?(?:[eE][+-]?\d+)?)\s*([A-Za-z%]+)?\s*$/;

export function parseExpectation(text: string): Expectation | { error: string } {
  const match = EXPECTATION.exec(text);
  if (!match) {
    return {
      error: `cannot read the expectation "${text}": write "<op> <value>[unit]" with op one of ${OPERATORS.join(' ')}, e.g. ">= 90%" or "<= 50ms"`,
    };
  }
  const [, op, number, unit] = match;
  const value = Number(number!.replace(/[_,]/g, ''));
  if (!Number.isFinite(value)) return { error: `"${number}" is not a finite number` };
  if (unit !== undefined && !isWritableUnit(unit)) {
    return { error: `unknown unit "${unit}" in "${text}"; units are ${WRITABLE_UNITS.join(' ')}` };
  }
  return unit === undefined ? { op: op as Operator, value, text: text.trim() } : { op: op as Operator, value, unit, text: text.trim() };
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
