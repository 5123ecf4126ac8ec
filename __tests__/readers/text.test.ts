import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { LIMITS } from '../../src/limits.js';
import { EvidenceError } from '../../src/measure.js';
import { readLines } from '../../src/readers/input.js';
import fc from 'fast-check';
import {
  compilePolicyRegex,
  MAX_REGEX_PROGRAM,
  namedMetricNotes,
  parseCapturedNumber,
  readText,
  text,
  type TextModel,
} from '../../src/readers/text.js';
import type { ByteSource, NamedMetricSpec } from '../../src/readers/types.js';
import { bytesSource, CONFORMANCE, context, evidenceError, fileSource, FIXTURES, manifest } from '../helpers/evidence.js';

const NAMED = path.join(FIXTURES, 'named');

async function read(content: string | Uint8Array, metrics: Record<string, NamedMetricSpec>, chunk = 7, name = 'log.txt'): Promise<TextModel> {
  return text.read(bytesSource(content, chunk), context(name, metrics));
}

async function readFile(file: string, metrics: Record<string, NamedMetricSpec>, chunk = 4096): Promise<TextModel> {
  return text.read(fileSource(path.join(NAMED, file), chunk), context(file, metrics));
}

const failure = evidenceError;

async function lines(source: ByteSource, max?: number): Promise<string[]> {
  const out: string[] = [];
  for await (const line of readLines(source, max)) out.push(line);
  return out;
}

const LSAN = {
  reports: { count: 'ERROR: LeakSanitizer' },
  leaks: { count: '^(Direct|Indirect) leak of' },
  leaked: { capture: 'SUMMARY: AddressSanitizer: ([0-9]+) byte\\(s\\) leaked', unit: 'B' as const },
  allocations: { capture: 'leaked in ([0-9]+) allocation' },
};

describe('text: a real LeakSanitizer log', () => {
  test('counts and captures', async () => {
    const model = await readFile('lsan-leak.log', LSAN, 100);
    expect(text.metrics(model)).toEqual({
      reports: { value: 1 },
      leaks: { value: 3 },
      leaked: { value: 331, unit: 'B' },
      allocations: { value: 5 },
    });
    expect(namedMetricNotes(model)).toEqual({});
    expect(model.lines).toBe(readFileSync(path.join(NAMED, 'lsan-leak.log'), 'utf8').split('\n').length - 1);
  });

  test('a clean LSan run prints nothing, and an empty log is not evidence: it is refused', async () => {
    const err = await failure(readFile('lsan-clean.log', LSAN));
    expect(err.message).toBe('the log is empty: nothing shows the tool ran (have the job print a line the policy can count, e.g. a "finished" marker)');
  });

  test('a clean run with output of its own: counts are 0, captures are absent', async () => {
    const model = await read('$ ./leak\nall done\n', LSAN);
    expect(text.metrics(model)).toEqual({ reports: { value: 0 }, leaks: { value: 0 } });
    expect(namedMetricNotes(model)).toEqual({
      leaked: 'no line matches "SUMMARY: AddressSanitizer: ([0-9]+) byte\\\\(s\\\\) leaked"',
      allocations: 'no line matches "leaked in ([0-9]+) allocation"',
    });
    expect(model.lines).toBe(2);
  });

  test('bytes that are not UTF-8 are not a text log', async () => {
    const err = await failure(read(new Uint8Array([0x6f, 0x6b, 0x0a, 0xff, 0xfe, 0xc3, 0x28, 0x0a]), LSAN));
    expect(err.message).toBe('line 2 is not valid UTF-8: this is not a text log');
    expect(err.position).toEqual({ line: 2 });
  });

  test('the line cap comes from the limits in the context', async () => {
    const err = await failure(text.read(bytesSource(`ok\n${'x'.repeat(1025)}\n`), { ...context('log.txt', LSAN), limits: { ...LIMITS, lineBytes: 1024 } }));
    expect(err.message).toMatch(/^line 2 is longer than 1024 bytes \(LIMITS\.lineBytes\)/);
  });

  test('the log in a CI transcript with CRLF and a BOM, in one-byte chunks', async () => {
    const log = readFileSync(path.join(NAMED, 'lsan-leak.log'), 'utf8');
    const transcript = `\uFEFF$ ./leak\r\n${log.replaceAll('\n', '\r\n')}##[error]Process completed with exit code 1.\r\n`;
    const model = await read(transcript, { ...LSAN, leaksAtEnd: { count: 'leak of [0-9]+ byte\\(s\\) in [0-9]+ object\\(s\\) allocated from:$' } }, 1);
    expect(text.metrics(model)).toEqual({
      reports: { value: 1 },
      leaks: { value: 3 },
      leaked: { value: 331, unit: 'B' },
      allocations: { value: 5 },
      leaksAtEnd: { value: 3 },
    });
  });
});

describe('text: a k6-like soak log', () => {
  test('the capture is the last match, thousands separators allowed', async () => {
    const summary = JSON.parse(readFileSync(path.join(NAMED, 'soak-summary.json'), 'utf8')) as { ops: { sustained_per_s: number } };
    const model = await readFile('soak-k6.log', {
      ops: { capture: 'sustained ([0-9.,]+) ops/s' },
      ticks: { count: 'level=info msg="tick [0-9]+:' },
      rss: { capture: 'rss ([0-9.]+) MB', unit: 'MB' },
    }, 33);
    const metrics = text.metrics(model);
    expect(metrics.ops).toEqual({ value: summary.ops.sustained_per_s });
    expect(metrics.ticks).toEqual({ value: 12 });
    expect(metrics.rss?.unit).toBe('MB');
  });
});

describe('text: upstream oracle (go test -bench, conformance corpus)', () => {
  const have = existsSync(path.join(CONFORMANCE, 'manifest.json'));
  test.skipIf(!have)('captures agree with the values github-action-benchmark expects', async () => {
    const entry = manifest().find((e) => e.format === 'gobench');
    expect(entry).toBeDefined();
    const benches = (entry?.expected as { benches: { name: string; value: number }[] }).benches;
    const want = (name: string) => benches.find((b) => b.name === name)?.value;
    const model = await text.read(
      fileSource(path.join(CONFORMANCE, entry?.path ?? ''), 16),
      context('go_output.txt', {
        fib10: { capture: '^BenchmarkFib10-8\\s+[0-9]+\\s+([0-9.]+) ns/op', unit: 'ms' },
        fib20: { capture: '^BenchmarkFib20\\s+[0-9]+\\s+([0-9.]+) ns/op' },
        fib11: { capture: '^BenchmarkFib11-16\\s+[0-9]+\\s+([0-9.]+) ns/op' },
        pass: { count: '^PASS$' },
        benches: { count: '^Benchmark' },
      }),
    );
    expect(text.metrics(model)).toEqual({
      fib10: { value: want('BenchmarkFib10'), unit: 'ms' },
      fib20: { value: want('BenchmarkFib20') },
      fib11: { value: want('BenchmarkFib11') },
      pass: { value: 2 },
      benches: { value: 8 },
    });
  });
});

describe('text: matching rules', () => {
  test('count: every non-overlapping match on every line; matches never span lines', async () => {
    const model = await read('aaa\nbanana\nfoo\nbar\n', {
      a: { count: 'a' },
      ana: { count: 'ana' },
      span: { count: 'foo.bar' },
      spanNl: { count: 'foo\\nbar' },
      anchored: { count: '^ba' },
      ci: { count: '(?i)A' },
    });
    expect(text.metrics(model)).toEqual({
      a: { value: 7 },
      ana: { value: 1 },
      span: { value: 0 },
      spanNl: { value: 0 },
      anchored: { value: 2 },
      ci: { value: 7 },
    });
  });

  test('capture: the first group of the last match, within and across lines', async () => {
    const model = await read('x=1 x=2\nnothing\nx=3 x=4 y\n', { x: { capture: 'x=([0-9]+)' }, named: { capture: '(?P<v>x)=(4)' } });
    expect(text.metrics(model)).toEqual({ x: { value: 4 } });
    // group 1 is the first group, named or not
    expect(namedMetricNotes(model)).toEqual({ named: 'the last match of "(?P<v>x)=(4)" (line 3) captured text that is not a number (plain decimal, or with "," thousands separators)' });
  });

  test('capture: unset group, non-number, not finite', async () => {
    const model = await read('ops=12\nops=none\nrate=1e999\n', {
      unset: { capture: 'ops=(?:([0-9]+)|none)' },
      word: { capture: 'ops=(\\w+)' },
      inf: { capture: 'rate=(\\S+)' },
      missing: { capture: 'latency=([0-9]+)' },
    });
    expect(text.metrics(model)).toEqual({});
    expect(namedMetricNotes(model)).toEqual({
      unset: 'the last match of "ops=(?:([0-9]+)|none)" (line 2) left group 1 empty',
      word: 'the last match of "ops=(\\\\w+)" (line 2) captured text that is not a number (plain decimal, or with "," thousands separators)',
      inf: 'the last match of "rate=(\\\\S+)" (line 3) captured text that is not a number (plain decimal, or with "," thousands separators)',
      missing: 'no line matches "latency=([0-9]+)"',
    });
  });

  test.each([
    ['13250', 13250],
    ['13,250', 13250],
    ['1,234,567.25', 1234567.25],
    [' 42 ', 42],
    ['-3.5', -3.5],
    ['+7', 7],
    ['.5', 0.5],
    ['1e3', 1000],
    ['1,5', undefined],
    ['12,34', undefined],
    ['1,2345', undefined],
    [',123', undefined],
    ['1,234e3', undefined],
    ['12%', undefined],
    ['0x10', undefined],
    ['Infinity', undefined],
    ['NaN', undefined],
    ['1e999', undefined],
    ['', undefined],
    ['1 234', undefined],
    ['١٢', undefined],
  ])('parseCapturedNumber(%j) = %j', (input, expected) => {
    expect(parseCapturedNumber(input)).toBe(expected);
  });

  test('a count that matches the empty string at run time is absent, not a count of positions', async () => {
    const model = await read('ab cd\n', { words: { count: '\\b' } });
    expect(text.metrics(model)).toEqual({});
    expect(namedMetricNotes(model)).toEqual({ words: 'count regex "\\\\b" matched the empty string; the count is meaningless' });
  });

  test('invalid UTF-8 anywhere makes the file unreadable, whatever the chunking', async () => {
    const bytes = new Uint8Array([...new TextEncoder().encode('ops '), 0xff, 0xfe, ...new TextEncoder().encode(' 12 ops/s\n')]);
    const err = await failure(read(bytes, { ops: { capture: 'ops (\\S+) 12' }, n: { capture: '([0-9]+) ops/s' } }, 1));
    expect(err.message).toBe('line 1 is not valid UTF-8: this is not a text log');
  });
});

describe('text: hostile input', () => {
  test('ReDoS-style (a+)+$ over 1 MB of "a" completes (linear-time engine)', async () => {
    const line = 'a'.repeat(1_000_000);
    const model = await read(`${line}\n${line}!\n`, {
      tail: { count: '(a+)+$' },
      whole: { count: '^(a+)+$' },
      nested: { count: '^(a|aa)+$' },
      grab: { capture: '^(a+)+b?$' },
    }, 65536);
    expect(text.metrics(model).tail).toEqual({ value: 1 });
    expect(text.metrics(model).whole).toEqual({ value: 1 });
    expect(text.metrics(model).nested).toEqual({ value: 1 });
    // the group holds a million digits-free characters: not a number
    expect(namedMetricNotes(model).grab).toMatch(/captured text that is not a number/);
  });

  test('a line longer than LIMITS.lineBytes makes the file an EvidenceError naming the line', async () => {
    const long = 'x'.repeat(LIMITS.lineBytes + 1);
    const err = await failure(read(`ok\nok\n${long}\nERROR: LeakSanitizer\n`, { leaks: { count: 'LeakSanitizer' } }, 65536));
    expect(err.message).toBe(`line 3 is longer than ${LIMITS.lineBytes} bytes (LIMITS.lineBytes); lines are capped so that one line cannot exhaust memory`);
    expect(err.position).toEqual({ line: 3 });
    // without a final newline, and without any newline at all
    expect((await failure(read(long, { leaks: { count: 'x' } }, 65536))).position).toEqual({ line: 1 });
    expect((await failure(read(`a\n${'y'.repeat(LIMITS.lineBytes * 3)}`, {}, 65536))).position).toEqual({ line: 2 });
  });

  test('a line of exactly LIMITS.lineBytes is read, also with CRLF and a BOM', async () => {
    const exact = 'z'.repeat(LIMITS.lineBytes);
    const model = await read(`\uFEFF${exact}\r\n${exact}\r\nend`, { z: { count: 'z+' }, end: { count: '^end$' } }, 65536);
    expect(text.metrics(model)).toEqual({ z: { value: 2 }, end: { value: 1 } });
    // multi-byte: the cap counts bytes, not characters
    const wide = '€'.repeat(Math.floor(LIMITS.lineBytes / 3) + 1);
    expect((await failure(read(`${wide}\n`, {}, 65536))).position).toEqual({ line: 1 });
  });

  test('lines are streamed: the first line is yielded before the source is drained', async () => {
    let pulled = 0;
    const source = (async function* () {
      for (let i = 0; i < 1000; i++) {
        pulled++;
        yield new TextEncoder().encode(`line ${i}\n`);
      }
    })();
    const it = readLines(source)[Symbol.asyncIterator]();
    expect((await it.next()).value).toBe('line 0');
    expect(pulled).toBe(1);
    await it.return?.(undefined);
  });

  test('readLines: LF, CRLF, BOM, blank lines, last line without newline, tiny chunks', async () => {
    const input = '\uFEFFone\r\ntwo\n\nthree\r\n\r\nfour';
    for (const chunk of [1, 2, 3, 5, 64]) {
      expect(await lines(bytesSource(input, chunk))).toEqual(['one', 'two', '', 'three', '', 'four']);
    }
    expect(await lines(bytesSource('a\n', 1))).toEqual(['a']);
    expect(await lines(bytesSource('', 1))).toEqual([]);
    expect(await lines(bytesSource('\n', 1))).toEqual(['']);
    expect(await lines(bytesSource('a\r', 1))).toEqual(['a']);
    expect(await lines(bytesSource('x\uFEFFy\n', 1))).toEqual(['x\uFEFFy']); // only a leading BOM is dropped
    expect(await lines(bytesSource('naïve 😀\n€', 1))).toEqual(['naïve 😀', '€']);
    expect(await lines(bytesSource('12345\n123456\n', 2), 5).catch((e: unknown) => e)).toBeInstanceOf(EvidenceError);
    expect(await lines(bytesSource('12345\r\n', 2), 5)).toEqual(['12345']);
  });

  test('the source buffer may be reused after each chunk', async () => {
    const shared = new Uint8Array(8);
    const source = (async function* () {
      for (const part of ['ab', 'cd\nef', 'g\n']) {
        const bytes = new TextEncoder().encode(part);
        shared.fill(0);
        shared.set(bytes);
        yield shared.subarray(0, bytes.length);
      }
    })();
    expect(await lines(source)).toEqual(['abcd', 'efg']);
  });

  test('__proto__ as a metric name stays a key', async () => {
    const model = await read('leak\n', JSON.parse('{"__proto__": {"count": "leak"}, "constructor": {"capture": "([0-9]+)"}}') as Record<string, NamedMetricSpec>);
    expect(Object.getOwnPropertyDescriptor(text.metrics(model), '__proto__')?.value).toEqual({ value: 1 });
    expect(Object.keys(namedMetricNotes(model))).toEqual(['constructor']);
    expect(({} as Record<string, unknown>).count).toBeUndefined();
  });
});

describe('text: regexes from the policy', () => {
  test('compilePolicyRegex accepts RE2 syntax', () => {
    expect(compilePolicyRegex('ERROR: LeakSanitizer')).toBeUndefined();
    expect(compilePolicyRegex('sustained ([0-9.]+) ops/s', 'capture')).toBeUndefined();
    expect(compilePolicyRegex('(?i)^(direct|indirect) leak', 'count')).toBeUndefined();
    expect(compilePolicyRegex('(?P<n>[0-9]+) ms', 'capture')).toBeUndefined();
  });

  test.each([
    ['(a)\\1', /backreferences .* are not supported/],
    ['foo(?=bar)', /lookahead and lookbehind .* are not supported/],
    ['(?<!x)y', /lookahead and lookbehind/],
    ['(?>a)', /atomic groups/],
    ['a++', /possessive quantifiers/],
    ['[', /^invalid regex "\[": .*missing closing \]/],
    ['a{1001}', /^invalid regex/],
    ['', /non-empty/],
  ])('compilePolicyRegex(%j) is refused', (source, message) => {
    expect(compilePolicyRegex(source)).toMatch(message);
  });

  test('a capture needs a group; a count must not match the empty string', () => {
    expect(compilePolicyRegex('sustained [0-9.]+ ops/s', 'capture')).toMatch(/has no group/);
    expect(compilePolicyRegex('(?:x)', 'capture')).toMatch(/has no group/);
    expect(compilePolicyRegex('x*', 'count')).toMatch(/matches the empty string/);
    expect(compilePolicyRegex('^$', 'count')).toMatch(/matches the empty string/);
    expect(compilePolicyRegex('x*')).toBeUndefined();
  });

  test('read() throws Error (a policy bug, not evidence) before reading a byte', async () => {
    let pulled = false;
    const source = (async function* () {
      pulled = true;
      yield new Uint8Array(0);
    })();
    const bad = text.read(source, context('log', { ok: { count: 'x' }, bad: { count: '(a)\\1' } }));
    await expect(bad).rejects.toThrow(/backreferences/);
    await expect(bad).rejects.not.toBeInstanceOf(EvidenceError);
    expect(pulled).toBe(false);
    await expect(read('x', { p: { path: '$.a' } })).rejects.toThrow('format text reads only `count` or `capture` metrics; metric "p" has path "$.a"');
    await expect(read('x', { both: { count: 'a', capture: '(b)' } })).rejects.toThrow(/metric "both" has count "a" and capture "\(b\)"/);
    await expect(read('x', { none: {} })).rejects.toThrow(/metric "none" has no path, count or capture/);
    await expect(read('x', { c: { capture: 'no group' } })).rejects.toThrow(/has no group/);
  });
});

describe('text: merge', () => {
  const specs = { leaks: { count: '^(Direct|Indirect) leak of' }, leaked: LSAN.leaked };

  test('counts add up; a capture found in one file is taken from it', async () => {
    const leak = await readFile('lsan-leak.log', specs);
    const clean = await read('$ ./leak\nall done\n', specs, 7, 'clean.log');
    const merged = text.merge([clean, leak, clean]);
    expect(text.metrics(merged)).toEqual({ leaks: { value: 3 }, leaked: { value: 331, unit: 'B' } });
    expect(namedMetricNotes(merged)).toEqual({});
    expect(merged.files).toBe(3);
    expect(text.merge([leak])).toBe(leak);
  });

  test('a capture found in several files is absent with a note, never a silent pick', async () => {
    const leak = await readFile('lsan-leak.log', specs);
    const clean = await read('$ ./leak\nall done\n', specs, 7, 'clean.log');
    const merged = text.merge([leak, clean, leak]);
    expect(text.metrics(merged)).toEqual({ leaks: { value: 6 } });
    expect(namedMetricNotes(merged)).toEqual({
      leaked: 'the capture matched in 2 of 3 files; a `capture` needs exactly one file — narrow the evidence path',
    });
    // merging merged models keeps the ambiguity
    expect(namedMetricNotes(text.merge([merged, clean])).leaked).toMatch(/matched in 2 of 4 files/);
  });

  test('a capture found in no file says so', async () => {
    const clean = await read('$ ./leak\nall done\n', specs, 7, 'clean.log');
    const merged = text.merge([clean, clean]);
    expect(text.metrics(merged)).toEqual({ leaks: { value: 0 } });
    expect(namedMetricNotes(merged).leaked).toMatch(/^no line matches .* in any of 2 files$/);
  });

  test('a meaningless count in one file makes the sum absent', async () => {
    const a = await read('ab\n', { w: { count: '\\b' } });
    const b = await read('--\n', { w: { count: '\\b' } });
    expect(text.metrics(b)).toEqual({ w: { value: 0 } });
    const merged = text.merge([b, a]);
    expect(text.metrics(merged)).toEqual({});
    expect(namedMetricNotes(merged).w).toMatch(/matched the empty string/);
  });

  test('format metadata', () => {
    expect(text.name).toBe('text');
    expect(text.namedMetrics).toBe('text');
    expect(text.metrics(text.merge([]))).toEqual({});
  });
});

/** `text` in UTF-16 (either byte order) or UTF-32, with or without its byte order mark. */
function encode(text: string, encoding: 'utf-16le' | 'utf-16be' | 'utf-32le' | 'utf-32be', bom: boolean): Uint8Array {
  const units = [...(bom ? '\uFEFF' : ''), ...text].map((ch) => ch.codePointAt(0) as number);
  const wide = encoding.startsWith('utf-32');
  const out: number[] = [];
  for (const cp of units) {
    const words = wide ? [cp] : cp > 0xffff ? [0xd800 + ((cp - 0x10000) >> 10), 0xdc00 + ((cp - 0x10000) & 0x3ff)] : [cp];
    for (const w of words) {
      const bytes = wide ? [w & 0xff, (w >> 8) & 0xff, (w >> 16) & 0xff, w >>> 24] : [w & 0xff, w >> 8];
      out.push(...(encoding.endsWith('le') ? bytes : bytes.reverse()));
    }
  }
  return new Uint8Array(out);
}

describe('text: logs in which no pattern could match are not evidence', () => {
  const WHITESPACE_ONLY = /^the log holds only whitespace \(\d+ lines?\): nothing shows the tool ran/;

  test('a whitespace-only log is refused, whatever the whitespace', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom(' ', '\t', '\n', '\r\n', '\u00a0', '\u3000', '\f', '\v'), { minLength: 1, maxLength: 40 }), fc.integer({ min: 1, max: 9 }), async (parts, chunk) => {
        const log = parts.join('');
        fc.pre(log.includes('\n') || log.trim() === '');
        const err = await failure(read(log, LSAN, chunk));
        expect(err.message).toMatch(log.replaceAll('\r\n', '\n').split('\n').filter((l, i, all) => i < all.length - 1 || l !== '').length === 0 ? /^the log is empty/ : WHITESPACE_ONLY);
      }),
      { numRuns: 200 },
    );
    expect((await failure(read('\n\n   \n', LSAN))).message).toMatch(/^the log holds only whitespace \(3 lines\)/);
    // one printed character anywhere makes it a log
    expect(text.metrics(await read('\n\n  .\n', LSAN)).leaks).toEqual({ value: 0 });
  });

  test('a UTF-16 log with k matches never passes count == 0: decoded with its BOM, refused without', async () => {
    const word = fc.constantFrom('ERROR: LeakSanitizer', 'Direct leak of 8 byte(s)', 'ok', 'all done', '$ ./leak', '', 'x=1', 'naïve €');
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(word, fc.boolean()), { minLength: 1, maxLength: 30 }),
        fc.constantFrom('utf-16le' as const, 'utf-16be' as const),
        fc.boolean(),
        fc.boolean(),
        fc.integer({ min: 1, max: 13 }),
        async (rows, encoding, bom, crlf, chunk) => {
          const lines = rows.map(([w, hit]) => (hit ? `${w} ERROR: LeakSanitizer: detected memory leaks` : w));
          const log = lines.join(crlf ? '\r\n' : '\n') + '\n';
          const k = lines.reduce((n, l) => n + (l.match(/ERROR: LeakSanitizer/g)?.length ?? 0), 0);
          fc.pre(/\S/.test(log));
          const outcome = await read(encode(log, encoding, bom), LSAN, chunk).then(
            (model) => text.metrics(model).reports?.value,
            (err: unknown) => err,
          );
          if (bom) {
            expect(outcome).toBe(k);
          } else {
            expect(outcome).toBeInstanceOf(EvidenceError);
            // ASCII text gains a NUL byte per character; other text may not even be valid UTF-8
            const why = /^[\t\n\r -~]*$/.test(log) ? /NUL bytes: the log looks like UTF-16 or UTF-32 without a byte order mark, in which no pattern can match; re-encode the log as UTF-8/ : /NUL bytes|is not valid UTF-8/;
            expect((outcome as EvidenceError).message).toMatch(why);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  test('UTF-32 logs are refused, with or without their BOM', async () => {
    for (const encoding of ['utf-32le', 'utf-32be'] as const) {
      const withBom = await failure(read(encode('ERROR: LeakSanitizer\nok\n', encoding, true), LSAN, 3));
      expect(withBom.message).toBe(`the log starts with a ${encoding.toUpperCase()} byte order mark: text logs are read as UTF-8; re-encode the log as UTF-8 (iconv -f ${encoding.toUpperCase()} -t UTF-8, or in PowerShell \`Out-File -Encoding utf8\`)`);
      const without = await failure(read(encode('ok\nERROR: LeakSanitizer\n', encoding, false), LSAN, 3));
      expect(without.message).toMatch(/^line 1 is full of NUL bytes: the log looks like UTF-16 or UTF-32/);
    }
  });

  test('a real UTF-16LE log as Windows PowerShell writes it (BOM, CRLF) is read', async () => {
    const log = readFileSync(path.join(NAMED, 'lsan-leak.log'), 'utf8').replaceAll('\n', '\r\n');
    const model = await read(Buffer.from(`\uFEFF${log}`, 'utf16le'), LSAN, 5);
    expect(text.metrics(model)).toEqual(text.metrics(await readFile('lsan-leak.log', LSAN)));
  });

  test('a BOM-marked UTF-16 log that is not valid UTF-16 is refused', async () => {
    const err = await failure(read(new Uint8Array([0xff, 0xfe, 0x41, 0x00, 0x00, 0xd8, 0x0a, 0x00]), LSAN));
    expect(err.message).toBe('the log starts with a UTF-16LE byte order mark but is not valid UTF-16LE');
  });

  test('a NUL byte anywhere (binary output in the log) refuses the file and names the line', async () => {
    const err = await failure(read('ok\nERROR: Leak\0Sanitizer and more text after it\nERROR: LeakSanitizer\n', LSAN));
    expect(err.message).toMatch(/^line 2 holds a NUL byte: binary data \(or UTF-16\/UTF-32 text\) is not a text log/);
    expect(err.position).toEqual({ line: 2 });
    // a binary file that happens to be valid UTF-8
    const binary = new Uint8Array(4096).map((_, i) => (i % 7 === 0 ? 0x0a : i % 3 === 0 ? 0x41 : 0));
    expect((await failure(read(binary, LSAN, 512))).message).toMatch(/^line \d+ is full of NUL bytes/);
  });
});

describe('text: regex cost is bounded', () => {
  test('a regex that compiles to more than MAX_REGEX_PROGRAM instructions is refused with the policy', () => {
    expect(compilePolicyRegex('b[ab]{999}$', 'count')).toBe(
      `regex "b[ab]{999}$" compiles to 1003 instructions, more than the ${MAX_REGEX_PROGRAM} allowed (MAX_REGEX_PROGRAM): the matcher's work per character grows with the program, so a large counted repetition ({n} with a large n) or many of them would take minutes over a big log; use a smaller repeat count, or match a shorter, more literal part of the line`,
    );
    // the class: any repetition that expands the program past the bound, however it is written
    for (const source of ['x{200}', '[0-9a-f]{130}', '(ab|cd){70}', '(?:a.){100}', '(?i)ERROR{150}', '((a{10}){10}){2}']) {
      expect(compilePolicyRegex(source)).toMatch(/instructions, more than the 128 allowed/);
    }
    // regexes logs are really counted with stay well below it
    for (const source of ['(?i)ERROR: LeakSanitizer', 'leak of [0-9]+ byte\\(s\\) in [0-9]+ object\\(s\\) allocated from:$', '[0-9a-f]{64}', '(.*a){20}', '^BenchmarkFib10-8\\s+[0-9]+\\s+([0-9.]+) ns/op']) {
      expect(compilePolicyRegex(source)).toBeUndefined();
    }
  });

  test('matching past the time budget makes the log not evidence (long lines checked between regexes)', async () => {
    const line = 'b'.repeat(200_000);
    const metrics = { slow: { count: 'b[ab]{100}$' } };
    const started = performance.now();
    // 200 lines: minutes unbounded; stopped after the first line (well under a second when idle)
    const err = await failure(readText(bytesSource(`${line}\n`.repeat(200), 65536), context('slow.log', metrics), { baseMs: 50, usPerLine: 0, msPerMiB: 0 }));
    expect(err.message).toMatch(/^matching the criterion's regexes took over 0 s of CPU time by line 1 \(0.05 s, plus 0 ms per MiB and 0 µs per line for each regex\): a regex with many partial matches alive at once/);
    expect(performance.now() - started).toBeLessThan(30_000);
    // the budget is the criterion's: every file read with the same metrics shares it
    const shared = { fast: { count: 'x' } };
    const budget = { baseMs: 0, usPerLine: 0, msPerMiB: 1e9 };
    await readText(bytesSource('x\n'), context('a.log', shared), budget);
    expect(text.metrics(await readText(bytesSource('x x\n'), context('b.log', shared), budget)).fast).toEqual({ value: 2 });
  });
});
