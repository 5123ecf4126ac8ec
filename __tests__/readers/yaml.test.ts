import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { parse as parseYamlReference } from 'yaml';
import { EvidenceError } from '../../src/measure.js';
import { LIMITS } from '../../src/limits.js';
import { checkYamlDensity, compilePolicyPath, namedMetricNotes, parseYaml, yaml, YAML_BYTES_PER_VALUE, type YamlModel } from '../../src/readers/yaml.js';
import type { NamedMetricSpec } from '../../src/readers/types.js';
import { bytesSource, context, evidenceError, fileSource, FIXTURES } from '../helpers/evidence.js';

const NAMED = path.join(FIXTURES, 'named');

async function read(content: string | Uint8Array, metrics: Record<string, NamedMetricSpec> = {}, chunk = 7): Promise<YamlModel> {
  return yaml.read(bytesSource(content, chunk), context('evidence.yaml', metrics));
}

const failure = evidenceError;

describe('yaml: a real soak summary', () => {
  const summary = parseYamlReference(readFileSync(path.join(NAMED, 'soak-summary.yaml'), 'utf8')) as {
    rss: { growth_pct: number; end_mb: number };
    ops: { sustained_per_s: number };
  };

  test('reads path metrics (through comments and an alias)', async () => {
    const model = await yaml.read(
      fileSource(path.join(NAMED, 'soak-summary.yaml'), 50),
      context('soak/summary.yaml', {
        rss_growth: { path: '$.rss.growth_pct', unit: '%' },
        ops: { path: '$.ops.sustained_per_s' },
        baseline_end: { path: '$.baseline_rss.end_mb', unit: 'MB' },
        threshold: { path: '$.thresholds.rss_growth_pct', unit: '%' },
      }),
    );
    expect(yaml.metrics(model)).toEqual({
      rss_growth: { value: summary.rss.growth_pct, unit: '%' },
      ops: { value: summary.ops.sustained_per_s },
      baseline_end: { value: summary.rss.end_mb, unit: 'MB' },
      threshold: { value: 10, unit: '%' },
    });
    expect(namedMetricNotes(model)).toEqual({});
  });

  test('the same rules as json: several values, nothing, not a number', async () => {
    const model = await yaml.read(
      fileSource(path.join(NAMED, 'soak-summary.yaml')),
      context('soak/summary.yaml', {
        every: { path: '$.samples[*].rss_mb' },
        none: { path: '$.rss.peak_mb' },
        text: { path: '$.harness' },
        started: { path: '$.started' },
      }),
    );
    expect(yaml.metrics(model)).toEqual({});
    expect(namedMetricNotes(model)).toEqual({
      every: '$.samples[*].rss_mb selects 12 values; make it select one',
      none: '$.rss.peak_mb selects nothing',
      text: '$.harness selects a string that is not a plain decimal number',
      started: '$.started selects a string that is not a plain decimal number',
    });
  });
});

describe('yaml: values', () => {
  test('YAML 1.2 core numbers, quoted decimals, and what is not a finite number', async () => {
    const doc = [
      'int: 42',
      'float: 12.5',
      'exp: 1e3',
      'hex: 0x1F',
      'quoted: "12.5"',
      'leading: 010',
      'inf: .inf',
      'nan: .nan',
      'yes: yes',
      'bool: true',
      'nil: ~',
      'sexagesimal: 1:20',
      'pct: 12.5%',
    ].join('\n');
    const names = ['int', 'float', 'exp', 'hex', 'quoted', 'leading', 'inf', 'nan', 'yes', 'bool', 'nil', 'sexagesimal', 'pct'];
    const model = await read(doc, Object.fromEntries(names.map((n) => [n, { path: `$.${n}` }])));
    expect(yaml.metrics(model)).toEqual({
      int: { value: 42 },
      float: { value: 12.5 },
      exp: { value: 1000 },
      hex: { value: 31 },
      quoted: { value: 12.5 },
      leading: { value: 10 },
    });
    expect(namedMetricNotes(model)).toEqual({
      inf: '$.inf selects a number that is not finite',
      nan: '$.nan selects a number that is not finite',
      yes: '$.yes selects a string that is not a plain decimal number',
      bool: '$.bool selects a boolean, not a number',
      nil: '$.nil selects null, not a number',
      sexagesimal: '$.sexagesimal selects a string that is not a plain decimal number',
      pct: '$.pct selects a string that is not a plain decimal number',
    });
  });

  test('a %YAML 1.1 directive does not switch on merge keys or 1.1 numbers', async () => {
    const model = await read('%YAML 1.1\n---\nbase: &b {x: 1}\nd:\n  <<: *b\n  y: 010\n', {
      merged: { path: '$.d.x' },
      y: { path: '$.d.y' },
    });
    expect(yaml.metrics(model)).toEqual({ y: { value: 10 } });
    expect(namedMetricNotes(model)).toEqual({ merged: '$.d.x selects nothing' });
  });

  test('explicit document markers and a null document', async () => {
    expect(yaml.metrics(await read('---\na: 1\n...\n', { a: { path: '$.a' } }))).toEqual({ a: { value: 1 } });
    const empty = await read('--- # nothing here\n', { a: { path: '$.a' } });
    expect(namedMetricNotes(empty)).toEqual({ a: '$.a selects nothing' });
  });
});

describe('yaml: hostile input', () => {
  test('nesting past LIMITS.nestingDepth is refused before the recursive composer, with a position', async () => {
    const levels = 5_000; // within the density cap, ten times the depth cap
    const flow = await failure(read('['.repeat(levels), { a: { path: '$[0]' } }, 65536));
    expect(flow.message).toBe(`YAML nesting is deeper than ${LIMITS.nestingDepth} levels (LIMITS.nestingDepth)`);
    expect(flow.position).toEqual({ line: 1, column: LIMITS.nestingDepth + 1 });
    const closed = await failure(read('['.repeat(levels) + ']'.repeat(levels), {}, 65536));
    expect(closed.message).toMatch(/nesting is deeper than/);
    const compact = await failure(read('- '.repeat(100_000) + 'x\n', {}, 65536));
    expect(compact.message).toMatch(/nesting is deeper than/);
    const maps = await failure(read('{a: '.repeat(levels) + '1' + '}'.repeat(levels), {}, 65536));
    expect(maps.message).toMatch(/nesting is deeper than/);
    // 100,000 levels of [ are refused before any parsing (by the density cap), as too deep
    const dense = await failure(read('['.repeat(100_000), {}, 65536));
    expect(dense.message).toBe(`YAML nesting is deeper than ${LIMITS.nestingDepth} levels (LIMITS.nestingDepth)`);
    expect(dense.position).toEqual({ line: 1, column: LIMITS.nestingDepth + 1 });
  });

  test('nesting up to the cap is fine, flow and block', async () => {
    const depth = LIMITS.nestingDepth;
    const flow = await read('['.repeat(depth) + '7' + ']'.repeat(depth), { deep: { path: '$' + '[0]'.repeat(depth) } }, 4096);
    expect(yaml.metrics(flow)).toEqual({ deep: { value: 7 } });
    const block = Array.from({ length: depth }, (_, i) => `${' '.repeat(i)}a:`).join('\n') + ' 7\n';
    const blockModel = await read(block, { deep: { path: '$' + '.a'.repeat(depth) } }, 4096);
    expect(yaml.metrics(blockModel)).toEqual({ deep: { value: 7 } });
    const deeper = Array.from({ length: depth + 1 }, (_, i) => `${' '.repeat(i)}a:`).join('\n') + ' 7\n';
    expect((await failure(read(deeper, {}, 4096))).position).toEqual({ line: depth + 1, column: depth + 1 });
  });

  test('aliases cannot nest data deeper than the cap', async () => {
    // each anchor is 100 levels deep; aliasing them into each other reaches 600
    const lines = ['a0: &a0 ' + '['.repeat(100) + '1' + ']'.repeat(100)];
    for (let i = 1; i <= 5; i++) lines.push(`a${i}: &a${i} ` + '['.repeat(99) + `*a${i - 1}` + ']'.repeat(99));
    const err = await failure(read(lines.join('\n'), {}, 4096));
    expect(err.message).toBe(`the YAML document nesting is deeper than ${LIMITS.nestingDepth} levels (LIMITS.nestingDepth)`);
  });

  test('a billion-laughs alias bomb is refused', async () => {
    const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      lines.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    const err = await failure(read(lines.join('\n'), { a: { path: '$.a[0]' } }));
    expect(err.message).toMatch(/aliases expand too much .*alias bomb/);
  });

  test('recursive aliases are refused, not walked forever', async () => {
    expect((await failure(read('a: &a [*a]', { x: { path: '$..x' } }))).message).toBe('the YAML document contains itself (a recursive alias)');
    expect((await failure(read('a: &a\n  b: *a\n'))).message).toBe('the YAML document contains itself (a recursive alias)');
  });

  test('many aliases (quadratic to resolve in the yaml package) are refused quickly', async () => {
    let doc = '';
    for (let i = 0; i < 2_000; i++) doc += `- &a${i} 1\n- *a${i}\n`;
    const err = await failure(read(doc, {}, 65536));
    expect(err.message).toMatch(/^the YAML document has 2000 aliases and 2000 anchors; resolving that many is refused/);
    // a few aliases are ordinary YAML
    expect(yaml.metrics(await read('x: &x 5\ny: *x\n', { y: { path: '$.y' } }))).toEqual({ y: { value: 5 } });
  });

  test('a map with 12,000 keys is read in linear time (duplicate check is not quadratic)', async () => {
    let doc = '';
    for (let i = 0; i < 12_000; i++) doc += `k${i}: ${i}\n`;
    const model = await read(doc, { last: { path: '$.k11999' } }, 65536);
    expect(yaml.metrics(model)).toEqual({ last: { value: 11999 } });
  });

  test('a document denser than the yaml package can hold is refused before it is parsed, with the line', async () => {
    const items = 20_000;
    const doc = 'p: 1\nitems:\n' + '- {}\n'.repeat(items);
    const max = Math.floor(LIMITS.documentValues / 16) + Math.floor(doc.length / YAML_BYTES_PER_VALUE);
    const err = await failure(read(doc, { p: { path: '$.p' } }, 65536));
    expect(err.message).toBe(
      `the YAML document has more than ${max} lines and flow items (LIMITS.documentValues / 16, plus one per ${YAML_BYTES_PER_VALUE} bytes of the file): ` +
        'the YAML parser needs kilobytes per node, so a document this large or dense is refused rather than read — write it as JSON (format: json reads far larger documents)',
    );
    // the cap is counted on lines and flow items, so it is reached on the line of item (max+1)/2 or so
    expect(err.position?.line).toBeGreaterThan(max / 2);
    expect(err.position?.line).toBeLessThan(max / 2 + 4);
    // a quarter of the items is read
    expect(yaml.metrics(await read('p: 1\nitems:\n' + '- {}\n'.repeat(items / 4), { p: { path: '$.p' } }, 65536))).toEqual({ p: { value: 1 } });
  });

  test('property: the density cap counts exactly the lines and flow indicators', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('\n', '{', '[', ',', 'a', ' ', ':', '-', '}', ']'), { maxLength: 60 }), fc.nat(40), (chars, max) => {
        const bytes = Buffer.from(chars.join(''));
        const units = chars.filter((c) => c === '\n' || c === '{' || c === '[' || c === ',').length;
        let refused = false;
        try {
          checkYamlDensity(bytes, max);
        } catch (err) {
          expect(err).toBeInstanceOf(EvidenceError);
          refused = true;
        }
        expect(refused).toBe(units > max);
      }),
    );
  });

  test('duplicate keys are refused, with a position', async () => {
    const err = await failure(read('rss:\n  growth_pct: 1\n  growth_pct: 50\n', { g: { path: '$.rss.growth_pct' } }));
    expect(err.message).toBe('duplicate key "growth_pct" in one map: which value counts would be a guess');
    expect(err.position).toEqual({ line: 3, column: 3 });
    // 1 and "1" are the same key once keys are strings
    expect((await failure(read('{1: a, "1": b}'))).message).toMatch(/duplicate key "1"/);
    expect((await failure(read('? [a, b]\n: 1\n'))).message).toMatch(/^invalid YAML: .*keys must be strings/);
    expect((await failure(read('k: &k a\n*k : 2\n'))).message).toMatch(/^invalid YAML: .*keys must be strings/);
  });

  test('__proto__ and constructor keys stay data and pollute nothing', async () => {
    const model = await read('__proto__: {polluted: 1, n: 5}\nconstructor:\n  prototype: {polluted: 2}\n', {
      ['__proto__']: { path: "$['__proto__'].n" },
      c: { path: '$.constructor.prototype.polluted' },
      ts: { path: '$.toString' },
    });
    const metrics = yaml.metrics(model);
    expect(Object.getOwnPropertyDescriptor(metrics, '__proto__')?.value).toEqual({ value: 5 });
    expect(metrics.c).toEqual({ value: 2 });
    expect(namedMetricNotes(model)).toEqual({ ts: '$.toString selects nothing' });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  test('streams: zero or several documents are refused', async () => {
    expect((await failure(read('a: 1\n---\nb: 2\n'))).message).toBe('the YAML stream holds 2 documents; release-gate reads a file with exactly one');
    expect((await failure(read(''))).message).toBe('no YAML document (the file is empty or holds only comments)');
    expect((await failure(read('# only a comment\n'))).message).toMatch(/^no YAML document/);
  });

  test('syntax errors carry line and column and do not quote the document', async () => {
    const tabs = await failure(read('a:\n\tb: 1\n'));
    expect(tabs.message).toBe('invalid YAML: Tabs are not allowed as indentation');
    expect(tabs.position).toEqual({ line: 2, column: 1 });
    const unclosed = await failure(read('token: ghp_SECRET\na: [1, 2\nb: 3\n'));
    expect(unclosed.message).not.toContain('SECRET');
    expect(unclosed.position?.line).toBe(3);
    const alias = await failure(read('a: *nope\n'));
    expect(alias.message).toMatch(/Unresolved alias/);
  });

  test('CRLF, a BOM and one-byte chunks', async () => {
    const doc = '\uFEFF# soak\r\nrss:\r\n  growth_pct: 3.5\r\nname: "naïve 😀"\r\n';
    const model = await read(doc, { g: { path: '$.rss.growth_pct', unit: '%' } }, 1);
    expect(yaml.metrics(model)).toEqual({ g: { value: 3.5, unit: '%' } });
    const err = await failure(read('\uFEFFa: 1\r\na: 2\r\n', {}, 1));
    expect(err.position).toEqual({ line: 2, column: 1 });
  });

  test('invalid UTF-8 and oversized documents', async () => {
    expect((await failure(read(new Uint8Array([0x61, 0x3a, 0x20, 0xc3, 0x28])))).message).toMatch(/not valid UTF-8/);
    const big = yaml.read(bytesSource('a: 1\n'), { ...context('big.yaml'), limits: { ...LIMITS, wholeDocumentBytes: 3 } });
    expect((await failure(big)).message).toMatch(/LIMITS\.wholeDocumentBytes/);
  });
});

describe('yaml: format contract', () => {
  test('merge: several files are ambiguous for a JSONPath', async () => {
    const a = await read('a: 1', { a: { path: '$.a' } });
    expect(yaml.merge([a])).toBe(a);
    expect(() => yaml.merge([a, a, a])).toThrow(
      new EvidenceError('3 files matched; a `path` metric needs exactly one file — narrow the evidence path'),
    );
  });

  test('count and capture specs are programming errors for yaml', async () => {
    const wrong = read('a: 1', { ops: { capture: 'sustained ([0-9.]+) ops/s' } });
    await expect(wrong).rejects.toThrow('format yaml reads only `path` metrics; metric "ops" has capture "sustained ([0-9.]+) ops/s"');
    await expect(wrong).rejects.not.toBeInstanceOf(EvidenceError);
    await expect(read('a: 1', { m: { path: "$[?match(@, 'a+')]" } })).rejects.toThrow(/uses match\(\)/);
  });

  test('parseYaml and compilePolicyPath are exported', () => {
    expect(parseYaml('a: [1, 2]', 512)).toEqual({ a: [1, 2] });
    expect(compilePolicyPath('$.a')).toBeUndefined();
    expect(yaml.name).toBe('yaml');
    expect(yaml.namedMetrics).toBe('path');
  });
});
