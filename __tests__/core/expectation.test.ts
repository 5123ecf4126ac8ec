import { describe, expect, it } from 'vitest';
import { check, describeExpectation, parseExpectation, type Expectation } from '../../src/expect/expectation.js';
import { convert, formatValue, parseDuration } from '../../src/expect/units.js';

function parsed(text: string): Expectation {
  const e = parseExpectation(text);
  if ('error' in e) throw new Error(e.error);
  return e;
}

describe('parseExpectation', () => {
  it.each([
    ['== 0', '==', 0, undefined],
    ['>= 500', '>=', 500, undefined],
    ['<=50ms', '<=', 50, 'ms'],
    ['  >  90.5 %  ', '>', 90.5, '%'],
    ['!= -3', '!=', -3, undefined],
    ['< 1.5e3 KiB', '<', 1500, 'KiB'],
    ['>= 13,000', '>=', 13000, undefined],
    ['>= 13_000', '>=', 13000, undefined],
    ['>= 2h', '>=', 2, 'h'],
  ])('reads %j', (text, op, value, unit) => {
    const e = parsed(text);
    expect(e.op).toBe(op);
    expect(e.value).toBe(value);
    expect(e.unit).toBe(unit);
  });

  it.each(['= 0', '>= ', 'at least 5', '>= 5 parsecs', '>= five', '=> 3', '>= 1 2', ''])('rejects %j with a message naming the form', (text) => {
    const e = parseExpectation(text);
    expect('error' in e && e.error).toMatch(/op|unit|number/);
  });

  it('names the unknown unit and lists the known ones', () => {
    const e = parseExpectation('<= 5 weeks');
    expect('error' in e && e.error).toBe('unknown unit "weeks" in "<= 5 weeks"; units are ms s m h d B KB MB GB KiB MiB GiB %');
  });
});

describe('units', () => {
  it('converts within a dimension into the metric unit', () => {
    expect(convert(2, 'h', 's')).toBe(7200);
    expect(convert(50, 'ms', 's')).toBe(0.05);
    expect(convert(0.1, 's', 'ms')).toBe(100);
    expect(convert(1, 'MiB', 'B')).toBe(1048576);
    expect(convert(1, 'MB', 'KB')).toBe(1000);
    expect(convert(1, '%', 'ratio')).toBe(0.01);
    expect(convert(7, undefined, 'ms')).toBe(7);
  });

  it('refuses a unit that does not fit the metric', () => {
    expect(convert(5, 'MB', 'ms')).toEqual({ error: 'unit "MB" does not fit the metric, which is duration in ms' });
    expect(convert(5, 's', undefined)).toEqual({ error: 'the metric is a plain count; remove the unit "s"' });
    expect(convert(5, '%', 'B')).toEqual({ error: 'unit "%" does not fit the metric, which is size in B' });
  });

  it('formats values for people', () => {
    expect(formatValue(0.0123, 'ratio')).toBe('1.23%');
    expect(formatValue(93.456789, '%')).toBe('93.46%');
    expect(formatValue(0.00666667, 'ratio')).toBe('0.667%');
    expect(formatValue(1554218, undefined)).toBe('1554218');
    expect(formatValue(0.004321, 's')).toBe('0.00432 s');
    expect(formatValue(5 * 1024 ** 3 + 1, 'B')).toBe('5 GiB');
    expect(formatValue(1536, 'B')).toBe('1.5 KiB');
    expect(formatValue(12, 'B')).toBe('12 B');
    expect(formatValue(812, undefined)).toBe('812');
    expect(formatValue(1.25, 's')).toBe('1.25 s');
  });

  it('parses max-age durations', () => {
    expect(parseDuration('7d')).toBe(7 * 86_400_000);
    expect(parseDuration('90m')).toBe(5_400_000);
    expect(parseDuration('1.5h')).toBe(5_400_000);
    expect(parseDuration('7 days')).toBeUndefined();
    expect(parseDuration('-1d')).toBeUndefined();
  });
});

describe('check', () => {
  it.each([
    ['== 0', 0, undefined, true],
    ['== 0', 1, undefined, false],
    ['!= 0', 1, undefined, true],
    ['>= 500', 499, undefined, false],
    ['>= 500', 500, undefined, true],
    ['> 500', 500, undefined, false],
    ['< 50ms', 0.049, 's', true],
    ['<= 50ms', 0.05, 's', true],
    ['<= 50ms', 0.0501, 's', false],
    ['>= 2h', 7199, 's', false],
    ['>= 2h', 7200, 's', true],
    ['< 1%', 0.009, 'ratio', true],
    ['< 1%', 0.01, 'ratio', false],
    ['>= 90%', 89.99, '%', false],
    ['>= 90', 90, '%', true],
  ] as const)('%s on %d (%s) is %s', (text, actual, unit, ok) => {
    const result = check(parsed(text), actual, unit);
    expect('error' in result ? result : result.ok).toBe(ok);
  });

  it('never passes NaN', () => {
    for (const text of ['== 0', '!= 0', '<= 1', '>= 0']) {
      const result = check(parsed(text), Number.NaN, undefined);
      expect('ok' in result && result.ok).toBe(false);
    }
  });

  it('reports a unit mismatch instead of comparing', () => {
    expect(check(parsed('<= 5 MB'), 3, 'ms')).toEqual({ error: 'unit "MB" does not fit the metric, which is duration in ms' });
  });

  it('describes the expectation in the unit the author wrote', () => {
    expect(describeExpectation(parsed('<= 50ms'), 's')).toBe('<= 50 ms');
    expect(describeExpectation(parsed('>= 90%'), '%')).toBe('>= 90%');
    expect(describeExpectation(parsed('>= 90'), '%')).toBe('>= 90%');
    expect(describeExpectation(parsed('== 0'), undefined)).toBe('== 0');
  });
});
