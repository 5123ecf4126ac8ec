import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { check, describeExpectation, parseExpectation, parseNumber, type Expectation } from '../../src/expect/expectation.js';
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

describe('numbers in expectations: one spelling, nothing ambiguous', () => {
  it.each([
    ['<= 0,5%', '0,5 has a decimal comma: write 0.5'],
    ['>= 13,000', '13,000 is ambiguous: is "," a thousands separator or a decimal comma? Write 13000 (or with "_": 13_000), or 13.000 for a decimal'],
    ['>= 1.000.000', '1.000.000 has more than one ".": "." is only the decimal point; for thousands write 1000000 or use "_" (1_000_000)'],
    ['>= .5', 'write 0.5 instead of .5'],
    ['>= 5.', 'write 5 instead of 5.'],
    ['>= 007', '007 starts with 0: write 7'],
    ['>= 1_0', '"_" goes between groups of three digits'],
    ['>= 1e400', '1e400 is too large to be a number'],
    ['>= 1e-400', '1e-400 is too small to be told from 0'],
    ['>= 1 000', 'a number has no spaces inside (write 1000 or 1_000)'],
  ])('%j is refused: %s', (text, hint) => {
    const e = parseExpectation(text);
    expect('error' in e && e.error).toContain(hint);
  });

  it('the decimal comma of the issue is a policy error at the expectation, not 5%', async () => {
    const { loadPolicy, formatPolicyError } = await import('../../src/policy/load.js');
    const result = loadPolicy('version: 1\ncriteria:\n  - id: c\n    evidence: { path: a.info, format: lcov }\n    expect:\n      lines: "<= 0,5%"\n', 'gate.yml');
    expect(result.ok ? [] : result.errors.map(formatPolicyError)).toEqual([
      'gate.yml:6:14: criteria[0].expect.lines: in "<= 0,5%": 0,5 has a decimal comma: write 0.5; a policy number uses "." as the decimal point',
    ]);
  });

  it('every finite number, as JavaScript prints it, reads back exactly', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (d) => {
        expect(parseNumber(String(d))).toBe(d === 0 ? 0 : d);
      }),
      { numRuns: 2000 },
    );
  });

  it('thousands grouped with "_" read as the whole number; grouped with "," or "." they are refused with both spellings', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1000n, max: 10n ** 18n }), (n) => {
        const plain = n.toString();
        const grouped = (sep: string) => plain.replace(/\B(?=(?:[0-9]{3})+$)/g, sep);
        expect(parseNumber(grouped('_'))).toBe(Number(plain));
        const comma = parseNumber(grouped(','));
        expect(typeof comma === 'object' && comma.error).toContain(`Write ${plain} (or with "_": ${grouped('_')})`);
        const dots = parseNumber(grouped('.'));
        if (grouped('.').split('.').length > 2) expect(typeof dots === 'object' && dots.error).toContain(`write ${plain} or use "_"`);
        // one "." group reads as a decimal: 1.000 is one, never a thousand in disguise
        else expect(dots).toBe(Number(grouped('.')));
      }),
    );
  });

  it('a decimal comma is refused and the spelling offered reads as the decimal it meant', () => {
    fc.assert(
      fc.property(fc.nat({ max: 10 ** 6 }), fc.stringMatching(/^[0-9]{1,6}$/), fc.boolean(), (whole, fraction, negative) => {
        if (fraction.length === 3) return; // "1,000" is the ambiguous case, tested above
        const written = `${negative ? '-' : ''}${whole},${fraction}`;
        const refused = parseNumber(written);
        expect(typeof refused).toBe('object');
        const offered = /write (\S+);/.exec((refused as { error: string }).error)?.[1];
        expect(parseNumber(offered!)).toBe(Number(`${negative ? '-' : ''}${whole}.${fraction}`));
      }),
    );
  });

  it('any string of number characters either reads as exactly its plain value or is refused; "," never reads', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[-+]?[0-9.,_eE+-]{1,12}$/), (written) => {
        const result = parseNumber(written);
        if (typeof result === 'number') {
          expect(written).not.toContain(',');
          expect(result).toBe(Number(written.replace(/_/g, '')));
        } else {
          expect(result.error.length).toBeGreaterThan(10);
        }
      }),
      { numRuns: 3000 },
    );
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
