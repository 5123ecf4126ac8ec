import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { EvidenceError } from '../../src/measure.js';
import { LIMITS } from '../../src/limits.js';
import fc from 'fast-check';
import { query, type JsonValue } from 'jsonpath-rfc9535';
import { built, compilePolicyPath, compileShape, json, JsonLater, jsonPathShape, LATER, namedMetricNotes, parseJson, parseJsonBytes, positionOf, streamEntries, streamItems, type JsonModel, type Shape } from '../../src/readers/json.js';
import type { NamedMetricSpec } from '../../src/readers/types.js';
import { bytesSource, CONFORMANCE, context, evidenceError, fileSource, FIXTURES, manifest } from '../helpers/evidence.js';

const NAMED = path.join(FIXTURES, 'named');

async function read(content: string | Uint8Array, metrics: Record<string, NamedMetricSpec> = {}, chunk = 7): Promise<JsonModel> {
  return json.read(bytesSource(content, chunk), context('evidence.json', metrics));
}

const failure = evidenceError;

function syncFailure(fn: () => unknown): EvidenceError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(EvidenceError);
    return err as EvidenceError;
  }
  throw new Error('expected an EvidenceError');
}

describe('json: a real soak summary', () => {
  test('reads path metrics with their units', async () => {
    const model = await json.read(
      fileSource(path.join(NAMED, 'soak-summary.json'), 64),
      context('soak/summary.json', {
        rss_growth: { path: '$.rss.growth_pct', unit: '%' },
        ops: { path: "$['ops'].sustained_per_s" },
        errors: { path: '$.errors' },
        last_rss: { path: '$.samples[-1].rss_mb', unit: 'MB' },
      }),
    );
    const summary = JSON.parse(readFileSync(path.join(NAMED, 'soak-summary.json'), 'utf8')) as {
      rss: { growth_pct: number };
      ops: { sustained_per_s: number };
      samples: { rss_mb: number }[];
    };
    expect(json.metrics(model)).toEqual({
      rss_growth: { value: summary.rss.growth_pct, unit: '%' },
      ops: { value: summary.ops.sustained_per_s },
      errors: { value: 0 },
      last_rss: { value: summary.samples.at(-1)?.rss_mb, unit: 'MB' },
    });
    expect(namedMetricNotes(model)).toEqual({});
    expect(model.files).toEqual(['soak/summary.json']);
  });

  test('a path selecting several values is absent with a note', async () => {
    const model = await json.read(
      fileSource(path.join(NAMED, 'soak-summary.json')),
      context('soak/summary.json', { rss: { path: '$.samples[*].rss_mb', unit: 'MB' }, any: { path: '$..rss_mb' } }),
    );
    expect(json.metrics(model)).toEqual({});
    expect(namedMetricNotes(model)).toEqual({
      rss: '$.samples[*].rss_mb selects 12 values; make it select one',
      any: '$..rss_mb selects 12 values; make it select one',
    });
  });

  test('a filter can narrow several values to one', async () => {
    const model = await json.read(
      fileSource(path.join(NAMED, 'soak-summary.json')),
      context('soak/summary.json', { at1s: { path: '$.samples[?@.t_ms == 1000].rss_mb', unit: 'MB' } }),
    );
    expect(json.metrics(model).at1s?.unit).toBe('MB');
    expect(typeof json.metrics(model).at1s?.value).toBe('number');
  });
});

describe('json: the exactly-one-number rule', () => {
  const doc = JSON.stringify({
    n: 12.5,
    zero: 0,
    neg: -3,
    s: '12.5',
    sExp: '-1.5e3',
    sPct: '12.5%',
    sSpace: ' 12.5',
    sComma: '13,250',
    sHex: '0x10',
    sInf: 'Infinity',
    sNaN: 'NaN',
    sEmpty: '',
    b: true,
    nil: null,
    obj: { a: 1 },
    arr: [1],
    huge: 1,
  }).replace('"huge":1', '"huge":1e999');

  test('numbers and plain decimal strings are read', async () => {
    const model = await read(doc, {
      n: { path: '$.n' },
      zero: { path: '$.zero' },
      neg: { path: '$.neg' },
      s: { path: '$.s', unit: 'ms' },
      sExp: { path: '$.sExp' },
      first: { path: '$.arr[0]' },
    });
    expect(json.metrics(model)).toEqual({
      n: { value: 12.5 },
      zero: { value: 0 },
      neg: { value: -3 },
      s: { value: 12.5, unit: 'ms' },
      sExp: { value: -1500 },
      first: { value: 1 },
    });
  });

  test('anything else is absent, with the reason', async () => {
    const specs = Object.fromEntries(
      ['sPct', 'sSpace', 'sComma', 'sHex', 'sInf', 'sNaN', 'sEmpty', 'b', 'nil', 'obj', 'arr', 'huge', 'missing'].map((k) => [k, { path: `$.${k}` }]),
    );
    const model = await read(doc, specs);
    expect(json.metrics(model)).toEqual({});
    const notes = namedMetricNotes(model);
    expect(Object.keys(notes).sort()).toEqual(Object.keys(specs).sort());
    expect(notes.sPct).toBe('$.sPct selects a string that is not a plain decimal number');
    expect(notes.b).toBe('$.b selects a boolean, not a number');
    expect(notes.nil).toBe('$.nil selects null, not a number');
    expect(notes.obj).toBe('$.obj selects an object, not a number');
    expect(notes.arr).toBe('$.arr selects an array, not a number');
    expect(notes.huge).toBe('$.huge selects a number that is not finite');
    expect(notes.missing).toBe('$.missing selects nothing');
  });

  test('zero matches: absent, never zero', async () => {
    const model = await read('{"rss": {}}', { growth: { path: '$.rss.growth_pct', unit: '%' } });
    expect(json.metrics(model)).toEqual({});
    expect(namedMetricNotes(model)).toEqual({ growth: '$.rss.growth_pct selects nothing' });
  });

  test('the numeric strings of a Prometheus query response', async () => {
    const model = await json.read(
      fileSource(path.join(NAMED, 'prometheus-query.json')),
      context('prom.json', {
        rss1: { path: "$.data.result[?@.metric.instance == 'soak-1:9100'].value[1]", unit: 'B' },
        both: { path: '$.data.result[*].value[1]', unit: 'B' },
      }),
    );
    expect(json.metrics(model)).toEqual({ rss1: { value: 115568640, unit: 'B' } });
    expect(namedMetricNotes(model)).toEqual({ both: '$.data.result[*].value[1] selects 2 values; make it select one' });
  });

  test('namedMetricNotes returns a copy, and {} for a model without notes', async () => {
    const model = await read('{}', { a: { path: '$.a' } });
    namedMetricNotes(model).a = 'changed';
    expect(namedMetricNotes(model).a).toBe('$.a selects nothing');
    const bare: JsonModel = { files: [], metrics: {} };
    expect(namedMetricNotes(bare)).toEqual({});
  });
});

describe('json: upstream oracle (hyperfine, conformance corpus)', () => {
  const have = existsSync(path.join(CONFORMANCE, 'manifest.json'));

  test.skipIf(!have)('hyperfine means match the values bencher expects', async () => {
    for (const entry of manifest().filter((e) => e.format === 'hyperfine')) {
      const expected = (entry.expected as { benchmarks: { command: string; bencher_mean_mode_ns: { value: number } }[] }).benchmarks;
      const specs = Object.fromEntries(
        expected.map((b, i) => [`mean${i}`, { path: `$.results[?@.command == '${b.command}'].mean`, unit: 's' as const }]),
      );
      const model = await json.read(fileSource(path.join(CONFORMANCE, entry.path)), context(entry.path, specs));
      const metrics = json.metrics(model);
      expected.forEach((b, i) => {
        expect(metrics[`mean${i}`]?.unit).toBe('s');
        expect((metrics[`mean${i}`]?.value ?? Number.NaN) * 1e9).toBeCloseTo(b.bencher_mean_mode_ns.value, 0);
      });
    }
  });

  test.skipIf(!have)('every JSON file of the corpus is accepted exactly when JSON.parse accepts it', async () => {
    const files = manifest().filter((e) => e.path.endsWith('.json'));
    expect(files.length).toBeGreaterThan(10);
    for (const entry of files) {
      const file = path.join(CONFORMANCE, entry.path);
      let text = readFileSync(file, 'utf8');
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      let parsed = true;
      try {
        JSON.parse(text);
      } catch {
        parsed = false;
      }
      const outcome = await json.read(fileSource(file), context(entry.path)).then(
        () => true,
        (err: unknown) => {
          expect(err, entry.path).toBeInstanceOf(EvidenceError);
          return false;
        },
      );
      expect(outcome, entry.path).toBe(parsed);
    }
  });
});

describe('json: hostile input', () => {
  test('__proto__ and constructor keys stay data and pollute nothing', async () => {
    const doc = '{"__proto__": {"polluted": 1, "n": 5}, "constructor": {"prototype": {"polluted": 2}}, "a": {"__proto__": 7}}';
    const model = await read(doc, {
      ['__proto__']: { path: "$['__proto__'].n" },
      constructor: { path: '$.constructor.prototype.polluted' },
      inner: { path: "$.a['__proto__']" },
      toString: { path: '$.toString' },
    } as Record<string, NamedMetricSpec>);
    const metrics = json.metrics(model);
    expect(Object.keys(metrics).sort()).toEqual(['__proto__', 'constructor', 'inner']);
    expect(Object.getPrototypeOf(metrics)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(metrics, '__proto__')?.value).toEqual({ value: 5 });
    expect(metrics.constructor).toEqual({ value: 2 });
    expect(metrics.inner).toEqual({ value: 7 });
    // an inherited member is not data: $.toString selects nothing
    expect(namedMetricNotes(model)).toEqual({ toString: '$.toString selects nothing' });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((Object.prototype as Record<string, unknown>).n).toBeUndefined();
  });

  test('a note named __proto__ is an own key too', async () => {
    const model = await read('{}', JSON.parse('{"__proto__": {"path": "$.x"}}') as Record<string, NamedMetricSpec>);
    const notes = namedMetricNotes(model);
    expect(Object.keys(notes)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).path).toBeUndefined();
  });

  test('100,000 levels of [ are refused without a crash, with a position', async () => {
    const open = await failure(read('['.repeat(100_000), { a: { path: '$[0]' } }, 65536));
    expect(open.message).toBe(`JSON nesting is deeper than ${LIMITS.nestingDepth} levels (LIMITS.nestingDepth)`);
    expect(open.position).toEqual({ line: 1, column: LIMITS.nestingDepth + 1 });
    const closed = await failure(read('['.repeat(100_000) + ']'.repeat(100_000), {}, 65536));
    expect(closed.message).toMatch(/nesting is deeper than/);
    const objects = await failure(read('{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000), {}, 65536));
    expect(objects.message).toMatch(/nesting is deeper than/);
  });

  test('nesting up to the cap is fine, one more level is not', async () => {
    const depth = LIMITS.nestingDepth;
    const ok = await read('['.repeat(depth) + '7' + ']'.repeat(depth), { deep: { path: '$' + '[0]'.repeat(depth) } }, 4096);
    expect(json.metrics(ok)).toEqual({ deep: { value: 7 } });
    const err = syncFailure(() => parseJson('['.repeat(depth + 1) + ']'.repeat(depth + 1), depth));
    expect(err.position).toEqual({ line: 1, column: depth + 1 });
  });

  test('duplicate keys are refused: which value counts would be a guess', async () => {
    const err = await failure(read('{\n  "rss": {"growth_pct": 1},\n  "rss": {"growth_pct": 50}\n}', { g: { path: '$.rss.growth_pct' } }));
    expect(err.message).toBe('duplicate key "rss" in one object: which value counts would be a guess');
    expect(err.position).toEqual({ line: 3, column: 3 });
    // escapes are decoded before comparing; the same key in different objects is fine
    expect(syncFailure(() => parseJson('{"ab": 1, "a\\u0062": 2}', 512)).message).toMatch(/duplicate key "ab"/);
    expect(parseJson('[{"a": 1}, {"a": 2}, {"b": {"a": 3}}]', 512)).toEqual([{ a: 1 }, { a: 2 }, { b: { a: 3 } }]);
  });

  test('an oversized document names the cap', async () => {
    const err = await failure(
      json.read(bytesSource('{"a": 1}'), { ...context('big.json', { a: { path: '$.a' } }), limits: { ...LIMITS, wholeDocumentBytes: 4 } }),
    );
    expect(err.message).toMatch(/LIMITS\.wholeDocumentBytes/);
  });

  test('invalid UTF-8 is refused, not replaced', async () => {
    const bytes = new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]);
    expect((await failure(read(bytes, { a: { path: '$.a' } }))).message).toMatch(/not valid UTF-8/);
  });

  test('messages never quote the document', async () => {
    const err = await failure(read('{"token": "ghp_SECRET", oops}'));
    expect(err.message).not.toContain('SECRET');
    expect(err.message).toBe('expected a double-quoted key, found "o"');
    expect(err.position).toEqual({ line: 1, column: 25 });
  });
});

describe('json: syntax errors carry line and column', () => {
  const cases: [string, string, number, number][] = [
    ['{x}', `expected a double-quoted key or '}', found "x"`, 1, 2],
    ['{"a":1,}', 'expected a double-quoted key, found "}"', 1, 8],
    ['[1,\n2,\n]', 'expected a JSON value, found "]"', 3, 1],
    ['{"a":', 'unexpected end of the document (1 unclosed bracket)', 1, 6],
    ['', 'empty document (no JSON value)', 1, 1],
    [' \n ', 'empty document (no JSON value)', 2, 2],
    ['[1] 2', 'unexpected "2" after the JSON value', 1, 5],
    ['"abc', 'unterminated string', 1, 1],
    ['["a\u0001"]', 'control character in string (it must be escaped)', 1, 4],
    ['["\\x"]', 'invalid escape \\x in string', 1, 3],
    ['["\\u12G4"]', 'invalid \\u escape in string (four hex digits expected)', 1, 3],
    ['{"a":01}', 'a number cannot have a leading zero', 1, 6],
    ['[1.]', 'expected a digit after the decimal point, found "]"', 1, 4],
    ['[1e]', 'expected a digit in the exponent, found "]"', 1, 4],
    ['[-]', 'expected a digit, found "]"', 1, 3],
    ['[+1]', 'expected a JSON value, found "+"', 1, 2],
    ['[\n\n  tru]', 'expected a JSON value, found "t"', 3, 3],
    ['{"a" 1}', `expected ':' after the key, found "1"`, 1, 6],
    ['[1 2]', `expected ',' or ']', found "2"`, 1, 4],
    ['{"a":1 "b":2}', `expected ',' or '}', found "\\""`, 1, 8],
    ["{'a':1}", `expected a double-quoted key or '}', found "'"`, 1, 2],
    ['[NaN]', 'expected a JSON value, found "N"', 1, 2],
    ['[1]\r\n\r\n x', 'unexpected "x" after the JSON value', 3, 2],
    ['["😀" x]', `expected ',' or ']', found "x"`, 1, 7],
  ];
  test.each(cases)('%j', async (doc, message, line, column) => {
    expect(() => JSON.parse(doc)).toThrow(SyntaxError);
    const err = await failure(read(doc, {}, 1));
    expect(err.message).toBe(message);
    expect(err.position).toEqual({ line, column });
  });

  test('single-character mutations: the scanner agrees with JSON.parse', () => {
    const base = readFileSync(path.join(NAMED, 'prometheus-query.json'), 'utf8').slice(0, 400);
    const alphabet = ['{', '}', '[', ']', ':', ',', '"', '\\', '0', '1', '-', '.', 'e', 'x', ' ', '\n', 't', 'n', '\u0000'];
    let checked = 0;
    for (let i = 0; i < base.length; i += 3) {
      for (const c of alphabet) {
        for (const doc of [base.slice(0, i) + c + base.slice(i + 1), base.slice(0, i) + c + base.slice(i), base.slice(0, i) + base.slice(i + 1)]) {
          let parsed = true;
          try {
            JSON.parse(doc);
          } catch {
            parsed = false;
          }
          let scanned = true;
          let duplicate = false;
          try {
            expect(parseJson(doc, 512)).toEqual(JSON.parse(doc));
          } catch (err) {
            expect(err).toBeInstanceOf(EvidenceError);
            duplicate = (err as Error).message.startsWith('duplicate key');
            scanned = false;
          }
          if (!duplicate) expect(scanned, JSON.stringify(doc)).toBe(parsed);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(5000);
  });

  test('CRLF and a BOM', async () => {
    const doc = '\uFEFF{\r\n  "rss": {\r\n    "growth_pct": 3.5\r\n  }\r\n}\r\n';
    const model = await read(doc, { g: { path: '$.rss.growth_pct', unit: '%' } }, 1);
    expect(json.metrics(model)).toEqual({ g: { value: 3.5, unit: '%' } });
    const err = await failure(read('\uFEFF{\r\n  "rss": x\r\n}', {}, 2));
    expect(err.position).toEqual({ line: 2, column: 10 });
  });

  test('multi-byte characters split across one-byte chunks', async () => {
    const model = await read('{"naïve 😀 key": "42"}', { k: { path: "$['naïve 😀 key']" } }, 1);
    expect(json.metrics(model)).toEqual({ k: { value: 42 } });
  });
});

describe('json: shapes build only what a reader reads', () => {
  const SKIPPED = Symbol('skipped');
  const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

  /** The oracle: what `shape` keeps of JSON.parse's value, written from the Shape's documentation. */
  function project(value: unknown, shape: Shape): unknown {
    if (shape === true) return value;
    if (shape === false) return SKIPPED;
    // another kind of container than the shape expects: an empty stand-in of its kind
    if (Array.isArray(shape)) {
      if (isRecord(value)) return {};
      if (!Array.isArray(value)) return value;
      return value.map((item) => project(item, shape[0] as Shape)).filter((item) => item !== SKIPPED);
    }
    if (Array.isArray(value)) return [];
    if (!isRecord(value)) return value;
    const out: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(shape as Record<string, Shape>)) {
      if (!Object.hasOwn(value, key)) continue;
      const kept = project(value[key], field);
      if (kept !== SKIPPED) out[key] = kept;
    }
    return out;
  }

  /** A shape for `value` chosen by `pick` (0 <= pick() < 1): keeps, skips, or descends. */
  function shapeFor(value: unknown, pick: () => number, depth = 0): Shape {
    const r = pick();
    if (r < 0.2 || depth > 6) return true;
    if (r < 0.3) return false;
    if (Array.isArray(value)) return [shapeFor(value[0], pick, depth + 1)];
    if (isRecord(value)) {
      const shape: Record<string, Shape> = {};
      for (const key of Object.keys(value)) if (key !== '__proto__' && pick() < 0.7) shape[key] = shapeFor(value[key], pick, depth + 1);
      if (pick() < 0.3) shape['not-in-the-document'] = true;
      return shape;
    }
    // a container shape where the document has a primitive: the primitive is built
    return r < 0.65 ? { a: true } : [true];
  }

  test('any document, any shape: the built value is exactly the projection of JSON.parse', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.integer(), fc.constantFrom(undefined, 2, '\t'), (value, seed, indent) => {
        let state = seed >>> 0 || 1;
        const pick = (): number => {
          state = (Math.imul(state, 1103515245) + 12345) >>> 0;
          return state / 2 ** 32;
        };
        const text = JSON.stringify(value, null, indent);
        const shape = shapeFor(JSON.parse(text), pick);
        const expected = project(JSON.parse(text), shape);
        expect(parseJson(text, 512, compileShape(shape))).toEqual(expected === SKIPPED ? undefined : expected);
      }),
      { numRuns: 2000 },
    );
  });

  test('any broken document: skipped, it is refused with the same message and place as when built', () => {
    // skipped containers are scanned by a loop of their own (skipRest): it must refuse exactly
    // what the main loop refuses, where it does (duplicate keys aside: only built objects check them)
    const outcome = (text: string, shape: Shape): string => {
      try {
        parseJson(text, 6, compileShape(shape));
        return 'ok';
      } catch (err) {
        return `${(err as EvidenceError).message} @ ${JSON.stringify((err as EvidenceError).position)}`;
      }
    };
    fc.assert(
      fc.property(fc.jsonValue(), fc.array(fc.tuple(fc.nat(), fc.constantFrom('', '{', '}', '[', ']', ',', ':', '"', '\\', ' ', '1', '-', 'e', '.', 't', 'n', '\u0001', 'é')), { maxLength: 3 }), (value, edits) => {
        let text = JSON.stringify({ k: value, v: [value] });
        for (const [at, insert] of edits) {
          const p = at % (text.length + 1);
          text = `${text.slice(0, p)}${insert}${text.slice(p + (insert === '' || p % 2 === 0 ? 1 : 0))}`;
        }
        const built = outcome(text, true);
        if (built.startsWith('duplicate key')) return;
        expect(outcome(text, false)).toBe(built);
        expect(outcome(text, { k: false, v: [false] })).toBe(built);
      }),
      { numRuns: 3000 },
    );
  });

  const RESULT = compileShape({ results: [{ level: true, rule: true, properties: { severity: true } }] });

  test('named fields are built; the rest is checked, then left out', () => {
    const doc = '{"results": [{"level": "error", "message": {"text": "big"}, "rule": {"id": "r1", "tags": [1, 2]}, "properties": {"severity": 9.5, "other": null}}], "extra": [1]}';
    expect(parseJson(doc, 64, RESULT)).toEqual({ results: [{ level: 'error', rule: { id: 'r1', tags: [1, 2] }, properties: { severity: 9.5 } }] });
  });

  test('another kind of value than the shape expects: a primitive as it is, a container as an empty stand-in of its kind', () => {
    expect(parseJson('{"results": {"level": "x", "more": 1}}', 64, RESULT)).toEqual({ results: {} });
    expect(parseJson('{"results": [[1, {"a": 2}], 42, "s", null]}', 64, RESULT)).toEqual({ results: [[], 42, 's', null] });
    expect(parseJson('[1]', 64, RESULT)).toEqual([]);
    // the stand-in's content is still checked
    expect(syncFailure(() => parseJson('{"results": {"a": [1,]}}', 64, RESULT)).message).toBe('expected a JSON value, found "]"');
  });

  test('a key repeated where it is read is refused; where nothing is read it cannot change a count', () => {
    const read = syncFailure(() => parseJson('{"results": [{"level": "note",\n "level": "error"}]}', 64, RESULT));
    expect(read.message).toBe('duplicate key "level" in one object: which value counts would be a guess');
    expect(read.position).toEqual({ line: 2, column: 2 });
    const kept = syncFailure(() => parseJson('{"results": [{"rule": {"id": "a", "x": {"id": 1, "id": 2}}}]}', 64, RESULT));
    expect(kept.message).toMatch(/^duplicate key "id"/);
    expect(kept.position).toEqual({ line: 1, column: 50 });
    // an escaped key is the same key
    expect(syncFailure(() => parseJson('{"results": [{"level": "a", "\\u006cevel": "b"}]}', 64, RESULT)).message).toMatch(/duplicate key "level"/);
    // not read: a repeated message, or a repeated key inside one
    expect(parseJson('{"results": [{"message": 1, "message": {"t": 1, "t": 2}, "level": "note"}]}', 64, RESULT)).toEqual({ results: [{ level: 'note' }] });
  });

  test('short keys and values are decoded once and reused: equal strings, duplicates still refused', () => {
    // far more distinct short keys than the string cache has slots, many with the same length and
    // the same first, middle and last bytes, and non-ASCII ones of as many bytes as ASCII ones
    const keys = Array.from({ length: 20_000 }, (_, k) => `a${String(k).padStart(5, '0')}z`);
    keys.push('é', 'ab', 'éa', 'aé', 'ü', '\u00e9\u00e9', 'e\u0301');
    const doc = JSON.stringify(Object.fromEntries(keys.map((key, k) => [key, { [key]: key, v: keys[(k * 7) % keys.length], s: 'passed' }])));
    expect(parseJson(doc, 64)).toEqual(JSON.parse(doc));
    const streamed: [string, unknown][] = [];
    expect(parseJson(doc, 64, compileShape(streamEntries({ v: true, s: true }, (key, value) => streamed.push([key, value]))))).toEqual({});
    expect(streamed).toEqual(Object.entries(JSON.parse(doc) as Record<string, { v: string; s: string }>).map(([key, value]) => [key, { v: value.v, s: value.s }]));
    // a repeat among reused keys, a repeat written with an escape, in kept and in streamed objects
    for (const [text, name] of [
      ['{"a00001z": 1, "a00002z": 2, "a00001z": 3}', 'a00001z'],
      ['{"a00001z": 1, "a0000\\u0031z": 3}', 'a00001z'],
      ['{"é": 1, "\\u00e9": 2}', 'é'],
    ] as const) {
      expect(syncFailure(() => parseJson(text, 64)).message).toBe(`duplicate key ${JSON.stringify(name)} in one object: which value counts would be a guess`);
      expect(syncFailure(() => parseJson(text, 64, compileShape(streamEntries(true, () => undefined)))).message).toMatch(/^duplicate key/);
      expect(syncFailure(() => parseJson(`{"x": ${text}}`, 64, compileShape({ x: true }))).message).toMatch(/^duplicate key/);
    }
    // "é" (two bytes) and "e\u0301" are other keys than any two ASCII bytes
    expect(parseJson('{"ab": 1, "é": 2, "e\u0301": 3, "éa": 5}', 64)).toEqual({ ab: 1, é: 2, 'e\u0301': 3, éa: 5 });
    expect(syncFailure(() => parseJson('{"ab": 1, "é": 2, "\\u00e9a": 4, "éa": 5}', 64)).message).toMatch(/^duplicate key "éa"/);
  });

  test('a streamed map keyed "0", "1", … in order still refuses a repeat, however it comes', () => {
    const keysOf = (text: string): [string, number][] => {
      const keys: [string, number][] = [];
      parseJson(text, 64, compileShape(streamEntries(true, (key, _value, index) => keys.push([key, index]))));
      return keys;
    };
    const dense = Array.from({ length: 5000 }, (_, k) => k);
    expect(keysOf(JSON.stringify(Object.fromEntries(dense.map((k) => [k, k]))))).toEqual(dense.map((k) => [String(k), k]));
    // out of order, with leading zeros, escaped, then the index keys again: no index from the first other key on
    expect(keysOf('{"0": 0, "1": 1, "3": 3, "2": 2, "01": 4, "\\u0035": 5, "x": 6}')).toEqual([['0', 0], ['1', 1], ['3', -1], ['2', -1], ['01', -1], ['5', -1], ['x', -1]]);
    expect(keysOf('{"1": 0, "0": 1}')).toEqual([['1', -1], ['0', -1]]);
    for (const [text, name] of [
      ['{"0": 0, "1": 1, "0": 2}', '0'],
      ['{"0": 0, "1": 1, "2": 2, "x": 3, "1": 4}', '1'],
      ['{"0": 0, "1": 1, "\\u0031": 2}', '1'],
      ['{"0": 0, "\\u0031": 1, "1": 2}', '1'],
      ['{"1": 0, "0": 1, "1": 2}', '1'],
      ['{"0": 0, "1": 1, "5000": 2, "2": 3, "5000": 4}', '5000'],
    ] as const) {
      expect(syncFailure(() => parseJson(text, 64, compileShape(streamEntries(true, () => undefined)))).message).toBe(`duplicate key ${JSON.stringify(name)} in one object: which value counts would be a guess`);
    }
  });

  test('a LATER value is checked and counted as it is scanned, and built only when asked for', () => {
    const doc = '{"x": [{"s": "a\\u00e9\\n", "a": [1, "x", {"k": [null]}], "o": {"__proto__": 1, "n": -1.5e3}, "e": [], "n": 12.5, "t": true, "z": null}]}';
    const keys = ['s', 'a', 'o', 'e', 'n', 't', 'z'];
    const whole = (parseJson(doc, 64, compileShape({ x: [Object.fromEntries(keys.map((k) => [k, true]))] })) as { x: Record<string, unknown>[] }).x[0]!;
    const later: Record<string, unknown>[] = [];
    parseJson(doc, 64, compileShape({ x: streamItems(Object.fromEntries(keys.map((k) => [k, LATER])), (item) => later.push(item as Record<string, unknown>)) }));
    expect(later).toHaveLength(1);
    const item = later[0]!;
    for (const key of ['s', 'a', 'o', 'e']) expect(item[key]).toBeInstanceOf(JsonLater);
    expect([item.n, item.t, item.z]).toEqual([12.5, true, null]);
    const rebuilt = Object.fromEntries(Object.entries(item).map(([k, v]) => [k, built(v)]));
    expect(rebuilt).toEqual(whole);
    expect(Object.hasOwn(rebuilt.o as object, '__proto__')).toBe(true);
    // a repeated key or broken syntax inside is refused while scanning, as for a built value
    for (const bad of ['{"o": {"k": 1, "k": 2}}', '{"o": [1, {"k": 1, "\\u006b": 2}]}']) {
      expect(syncFailure(() => parseJson(bad, 64, compileShape({ o: LATER }))).message).toMatch(/^duplicate key "k"/);
    }
    expect(syncFailure(() => parseJson('{"o": [1, 2,]}', 64, compileShape({ o: LATER }))).message).toMatch(/expected a JSON value/);
    // counted against the value budget like a built value: refused where `true` is
    const dense = Buffer.from(`{"o": [${Array.from({ length: 5000 }, () => '{}').join(',')}]}`);
    const budget = { max: 1000, message: 'too many values' };
    expect(syncFailure(() => parseJsonBytes(dense, 64, compileShape({ o: true }), budget)).message).toBe('too many values');
    expect(syncFailure(() => parseJsonBytes(dense, 64, compileShape({ o: LATER }), budget)).message).toBe('too many values');
  });

  test('an empty kept array or object is delivered as a new [] or {}', () => {
    const doc = parseJson('{"a": [], "b": {}, "c": [ ], "d": { }, "e": [[], {}]}', 64, compileShape({ a: true, b: true, c: true, d: true, e: true })) as Record<string, unknown>;
    expect(doc).toEqual({ a: [], b: {}, c: [], d: {}, e: [[], {}] });
    expect(doc.a).not.toBe(doc.c);
    expect(Array.isArray(doc.a) && !Array.isArray(doc.b)).toBe(true);
  });

  test('numbers are exactly what Number makes of them (plain integers read without a string)', () => {
    const numbers = ['0', '-0', '7', '-7', '10', '999999999999999', '-999999999999999', '1000000000000000', '9007199254740993', '12345678901234567890', '1.5', '-0.0', '1e3', '1E-3', '-1.25e+2', '0.1', '123456789012345.5'];
    const doc = `[${numbers.join(',')}]`;
    const built = parseJson(doc, 64) as number[];
    const kept = parseJson(`{"a": ${doc}}`, 64, compileShape({ a: [true] })) as { a: number[] };
    numbers.forEach((text, k) => {
      expect(Object.is(built[k], Number(text)), text).toBe(true);
      expect(Object.is(kept.a[k], Number(text)), text).toBe(true);
    });
  });

  test('a shape finds its fields by their bytes, among names of the same length and ends', () => {
    // 31 fields (the most) whose names share their length and first and last bytes, and keys of
    // the document that are not fields but look alike
    const names = Array.from({ length: 31 }, (_, k) => `f${String.fromCharCode(0x41 + k)}z`);
    const shape = compileShape(Object.fromEntries(names.map((name) => [name, true])));
    const members = [...names.map((name, k) => [name, k]), ...['f@z', 'f_z', 'fz', 'fAAz', 'F' + 'Az', ''].map((name) => [name, -1])];
    const doc = JSON.stringify(Object.fromEntries(members.reverse()));
    expect(parseJson(doc, 64, shape)).toEqual(Object.fromEntries(names.map((name, k) => [name, k])));
    expect(syncFailure(() => parseJson('{"fAz": 1, "fBz": 2, "fAz": 3}', 64, shape)).message).toMatch(/^duplicate key "fAz"/);
    expect(syncFailure(() => parseJson('{"fAz": 1, "f\\u0041z": 3}', 64, shape)).message).toMatch(/^duplicate key "fAz"/);
    expect(parseJson('{"fAz": 1, "fAy": 2, "": 3, "fA": 4}', 64, shape)).toEqual({ fAz: 1 });
    expect(parseJson('{"": 1, "a": 2}', 64, compileShape({ '': true }))).toEqual({ '': 1 });
  });

  test('skipped parts are still checked: syntax, control characters and depth fail with a position', () => {
    const syntax = syncFailure(() => parseJson('{"results": [{"message": {"text": "a\u0001"}}]}', 64, RESULT));
    expect(syntax.message).toBe('control character in string (it must be escaped)');
    expect(syntax.position).toEqual({ line: 1, column: 37 });
    expect(syncFailure(() => parseJson('{"results": [], "x": [1,]}', 64, RESULT)).message).toBe('expected a JSON value, found "]"');
    expect(syncFailure(() => parseJson(`{"x": ${'['.repeat(70)}${']'.repeat(70)}}`, 64, RESULT)).message).toMatch(/deeper than 64 levels/);
    expect(syncFailure(() => parseJson('{"results": []} {}', 64, RESULT)).message).toBe('unexpected "{" after the JSON value');
  });

  test('escaped and non-ASCII keys and strings decode as JSON.parse decodes them', () => {
    const shape = compileShape({ 'größe': true, level: true, '😀': [true] });
    const doc = '{"gr\\u00f6\\u00dfe": "\\u00e9t\\u00e9 \\ud83d\\ude00", "level": "naïve", "😀": ["a\\"b", -0, 1e400, 1.5E-3]}';
    expect(parseJson(doc, 64, shape)).toEqual(JSON.parse(doc));
    expect(Object.is((parseJson(doc, 64, shape) as { '😀': number[] })['😀'][1], -0)).toBe(true);
  });

  test('__proto__ stays an own key inside kept values and is never built into a shaped object', () => {
    const shape = compileShape({ kept: true });
    const built = parseJson('{"__proto__": {"polluted": 1}, "kept": {"__proto__": {"x": 1}}}', 64, shape) as Record<string, unknown>;
    expect(Object.getPrototypeOf(built)).toBe(Object.prototype);
    expect(Object.keys(built)).toEqual(['kept']);
    expect(Object.hasOwn(built.kept as object, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(() => compileShape(JSON.parse('{"__proto__": true}') as Shape)).toThrow(/__proto__/);
  });

  test('a skipped document is checked and gives undefined', () => {
    expect(parseJson('{"a": [1, 2, {"b": null}]}', 64, compileShape(false))).toBeUndefined();
    expect(syncFailure(() => parseJson('{"a": [1, 2, {"b": nul}]}', 64, compileShape(false))).position).toEqual({ line: 1, column: 20 });
  });

  test('shapes that cannot be built are programming errors', () => {
    expect(() => compileShape([true, true] as unknown as Shape)).toThrow(/exactly one item shape/);
    expect(() => compileShape(Object.fromEntries(Array.from({ length: 32 }, (_, k) => [`f${k}`, true])))).toThrow(/at most 31 fields/);
  });

  test('positions count UTF-16 code units, as editors do', () => {
    const bytes = Buffer.from('{"é😀": 1,\n  "x": é}', 'utf8');
    expect(positionOf(bytes, bytes.indexOf('é}'))).toEqual({ line: 2, column: 8 });
    expect(positionOf(bytes, bytes.indexOf(':'))).toEqual({ line: 1, column: 7 });
    expect(positionOf(bytes, bytes.length + 10)).toEqual({ line: 2, column: 10 });
  });
});

describe('json: format contract', () => {
  test('merge: one file is itself; several are ambiguous for a JSONPath', async () => {
    const a = await read('{"a": 1}', { a: { path: '$.a' } });
    const b = await read('{"a": 2}', { a: { path: '$.a' } });
    expect(json.merge([a])).toBe(a);
    const err = syncFailure(() => json.merge([a, b]));
    expect(err.message).toBe('2 files matched; a `path` metric needs exactly one file — narrow the evidence path');
    expect(json.metrics(json.merge([]))).toEqual({});
  });

  test('merge: several files with no path metric named (a files-only criterion) are fine', async () => {
    const a = await read('{"a": 1}', {});
    const b = await read('[2]', {});
    expect(json.merge([a, b])).toEqual({ files: [...a.files, ...b.files], metrics: {}, notes: {} });
    expect(json.metrics(json.merge([a, b]))).toEqual({});
  });

  test('a spec kind json cannot read is a programming error (Error, not EvidenceError)', async () => {
    const wrong = json.read(bytesSource('{}'), context('x.json', { leaks: { count: 'ERROR' } }));
    await expect(wrong).rejects.toThrow('format json reads only `path` metrics; metric "leaks" has count "ERROR"');
    await expect(wrong).rejects.not.toBeInstanceOf(EvidenceError);
    await expect(json.read(bytesSource('{}'), context('x.json', { both: { path: '$.a', capture: '(x)' } }))).rejects.toThrow(
      /reads only `path` metrics/,
    );
    await expect(json.read(bytesSource('{}'), context('x.json', { bad: { path: '$.a[' } }))).rejects.toThrow(/metric "bad": invalid JSONPath/);
  });

  test('the policy is checked before any evidence is read', async () => {
    let pulled = false;
    const source = (async function* () {
      pulled = true;
      yield new TextEncoder().encode('{}');
    })();
    await expect(json.read(source, context('x.json', { bad: { path: 'rss' } }))).rejects.toThrow(/invalid JSONPath/);
    expect(pulled).toBe(false);
  });

  test('compilePolicyPath', () => {
    expect(compilePolicyPath('$.rss.growth_pct')).toBeUndefined();
    expect(compilePolicyPath("$.results[?@.command == 'x' && length(@.times) > 2].mean")).toBeUndefined();
    expect(compilePolicyPath('rss.growth_pct')).toMatch(/^invalid JSONPath "rss.growth_pct": /);
    expect(compilePolicyPath("$[?match(@.name, '(a+)+$')].v")).toMatch(/uses match\(\), which runs a backtracking regex engine/);
    expect(compilePolicyPath("$[?search(@.name, 'a')].v")).toMatch(/uses search\(\)/);
    expect(compilePolicyPath('$[?foo(@.name)].v')).toMatch(/unknown function foo\(\)/);
  });

  test('format metadata', () => {
    expect(json.name).toBe('json');
    expect(json.namedMetrics).toBe('path');
    expect(json.knownMetrics).toBeUndefined();
  });
});

describe('json: only what the policy paths can reach is built, within a value budget', () => {
  const keys = fc.constantFrom('a', 'b', 'p');
  const { tree } = fc.letrec((tie) => ({
    tree: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.integer(),
      fc.constantFrom('s', '1.5', null, true),
      fc.array(tie('tree'), { maxLength: 3 }),
      fc.dictionary(keys, tie('tree'), { maxKeys: 3 }),
    ),
  }));
  const segment = fc.constantFrom('.a', '.b', '.p', "['a']", "['a','p']", '[0]', '[-1]', '[*]', '[0:2]', '..p', '..a', '[?@.p]', '[?@ == 1]');
  const jsonPath = fc.array(segment, { minLength: 1, maxLength: 4 }).map((s) => `$${s.join('')}`);

  test('property: any paths select exactly what they select on the whole document', () => {
    fc.assert(
      fc.property(tree, fc.array(jsonPath, { minLength: 1, maxLength: 3 }), (doc, paths) => {
        const text = JSON.stringify(doc);
        const built = parseJson(text, 512, compileShape(jsonPathShape(paths)));
        for (const p of paths) expect(query(built as JsonValue, p)).toEqual(query(JSON.parse(text) as JsonValue, p));
      }),
      { numRuns: 3000 },
    );
  });

  test('a path of names builds its branch only: a dense rest of the document costs nothing', async () => {
    const dense = `{"p": 7, "items": [${'{},'.repeat(300_000)}{}]}`;
    const model = await read(dense, { p: { path: '$.p' } });
    expect(json.metrics(model)).toEqual({ p: { value: 7 } });
    expect(jsonPathShape(['$.p', "$['items'].x"])).toEqual({ p: true, items: { x: true } });
    expect(jsonPathShape(['$.a[0].b', '$..c'])).toBe(true);
    expect(jsonPathShape([])).toBe(false);
  });

  test('a path that must walk more values than the budget is refused with the reason, never read in part', async () => {
    const dense = `{"p": 7, "items": [${'{},'.repeat(300_000)}{}]}`;
    const budget = LIMITS.documentValues + Math.floor(dense.length / 96);
    const err = await failure(read(dense, { p: { path: '$..p' } }));
    expect(err.message).toBe(
      `the JSON document holds more than ${budget} values to build (LIMITS.documentValues 200000, plus one per 96 bytes of the file): a document this dense would take far more memory than its size, so it is refused rather than read — write paths of names ($.a.b) so that only their branch is built`,
    );
    expect(err.position?.line).toBe(1);
    // the same number of values spread over more bytes is within the budget
    const sparse = `{"p": 7, "items": [${`{"pad": "${'x'.repeat(300)}"},`.repeat(150_000)}{}]}`;
    expect(json.metrics(await read(sparse, { p: { path: '$..p' } }))).toEqual({ p: { value: 7 } });
  });
});
