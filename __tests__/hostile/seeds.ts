/**
 * Valid evidence and policies to mutate: small fixtures of every format, from __tests__/fixtures and
 * the third-party conformance corpus in __tests__/fixtures/conformance, plus the mutations themselves.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { FORMAT_NAMES, type FormatName } from '../../src/readers/index.js';
import type { NamedMetricSpec } from '../../src/readers/types.js';
import { CONFORMANCE, FIXTURES, ROOT, manifest } from '../helpers/evidence.js';

/** Seeds larger than this are left out: the properties are about structure, not size. */
const MAX_SEED_BYTES = 24 * 1024;
/** Seeds per format, so every format gets its share of the runs. */
const MAX_SEEDS = 6;

export interface Seed {
  file: string;
  bytes: Uint8Array;
}

/** The named metrics a criterion of each format asks for (json, yaml, text need some). */
export const NAMED_METRICS: Partial<Record<FormatName, Record<string, NamedMetricSpec>>> = {
  json: { growth: { path: '$.rss.growth_pct', unit: '%' }, errors: { path: '$.errors' } },
  yaml: { growth: { path: '$.rss.growth_pct', unit: '%' }, errors: { path: '$.errors' } },
  text: { leaks: { count: 'ERROR: LeakSanitizer' }, bytes: { capture: 'Direct leak of ([0-9]+) byte' } },
};

const CONFORMANCE_FORMAT: Record<string, FormatName> = {
  junit: 'junit',
  sarif: 'sarif',
  cobertura: 'cobertura',
  valgrind: 'valgrind',
  lcov: 'lcov',
  jacoco: 'jacoco',
  'istanbul-summary': 'istanbul',
  k6: 'k6',
  'go-coverprofile': 'go-coverprofile',
  clover: 'clover',
  opencover: 'opencover',
  nunit2: 'nunit',
  nunit3: 'nunit',
  trx: 'trx',
  xunit1: 'xunit',
  xunit2: 'xunit',
  tap: 'tap',
  'go-test-json': 'go-test-json',
  'mocha-json': 'mocha-json',
  'rspec-json': 'rspec-json',
  ctrf: 'ctrf',
};

const LOCAL: Record<FormatName, string[]> = {
  junit: ['junit/pytest/pytest-xunit1.xml', 'junit/pytest/pytest-xunit2.xml', 'junit/surefire/TEST-demo.SampleTest.xml'],
  lcov: ['coverage/gcc-run1.info', 'coverage/coveragepy-a.info', 'coverage/vitest-a.info'],
  cobertura: ['coverage/gcovr-run1.xml', 'coverage/coveragepy-a.xml'],
  jacoco: ['coverage/jacoco-run1.xml', 'coverage/jacoco-nobranch.xml'],
  istanbul: ['coverage/vitest-a-summary.json', 'coverage/vitest-b-summary.json', 'istanbul/jest-coverage-final.json', 'istanbul/nyc-coverage-final.json'],
  sarif: ['sarif/codeql-extensions.sarif'],
  k6: ['k6/handle-summary.json', 'k6/summary-export-legacy.json', 'k6/machine-readable.json'],
  'go-coverprofile': ['go-coverprofile/set.out', 'go-coverprofile/coverpkg.out'],
  clover: ['clover/jest-all.clover.xml', 'clover/jest-shout.clover.xml'],
  opencover: [],
  nunit: ['nunit/nunit26-mixed.xml', 'nunit/nunit26-green.xml'],
  trx: [],
  xunit: [],
  tap: ['tap/bats.tap', 'tap/test-more.tap', 'tap/node24.tap'],
  'go-test-json': ['go-test-json/go119-2to1.jsonl', 'go-test-json/go119-timeout.jsonl'],
  'jest-json': ['jest-json/jest-mixed.json', 'jest-json/jest-green.json'],
  'mocha-json': ['mocha-json/mocha-mixed.json', 'mocha-json/mocha-green.json'],
  'rspec-json': ['rspec-json/rspec-mixed.json', 'rspec-json/rspec-load-error.json'],
  ctrf: ['ctrf/jest-ctrf-mixed.json'],
  valgrind: ['valgrind/clean.xml', 'valgrind/leaks.xml', 'valgrind/errors.xml'],
  json: ['named/soak-summary.json', 'named/prometheus-query.json'],
  yaml: ['named/soak-summary.yaml'],
  text: ['named/lsan-leak.log', 'named/lsan-clean.log', 'named/soak-k6.log'],
};

function small(file: string): boolean {
  return existsSync(file) && statSync(file).size <= MAX_SEED_BYTES;
}

export function seedsFor(format: FormatName): Seed[] {
  const files = LOCAL[format].map((f) => path.join(FIXTURES, f)).filter(small);
  for (const entry of manifest()) {
    if (CONFORMANCE_FORMAT[entry.format] !== format) continue;
    const file = path.join(CONFORMANCE, entry.path);
    if (small(file)) files.push(file);
  }
  return files.slice(0, MAX_SEEDS).map((file) => ({ file: path.relative(ROOT, file), bytes: new Uint8Array(readFileSync(file)) }));
}

export const ALL_SEEDS: Record<FormatName, Seed[]> = Object.fromEntries(FORMAT_NAMES.map((f) => [f, seedsFor(f)])) as Record<FormatName, Seed[]>;

export function policySeeds(): Seed[] {
  const dir = path.join(ROOT, 'examples');
  return readdirSync(dir)
    .map((d) => path.join(dir, d, 'release-gate.yml'))
    .filter(existsSync)
    .map((file) => ({ file: path.relative(ROOT, file), bytes: new Uint8Array(readFileSync(file)) }));
}

// ---------------------------------------------------------------------------------------------
// mutations

const enc = (s: string) => new TextEncoder().encode(s);
const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

/** Bytes where a document's structure turns: cutting there leaves something almost valid. */
const STRUCTURAL = new Set([...'<>/"\'{}[],:=\n\r&;#-'].map((c) => c.charCodeAt(0)));

function structuralPoints(bytes: Uint8Array): number[] {
  const points: number[] = [];
  for (let i = 0; i < bytes.length; i++) if (STRUCTURAL.has(bytes[i]!)) points.push(i);
  return points.length > 0 ? points : [0];
}

/** [start, end) of every tag `<...>` (approximate: attributes containing `>` split it). */
function tags(bytes: Uint8Array): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] !== 0x3c) continue;
    const end = bytes.indexOf(0x3e, i);
    if (end < 0) break;
    out.push([i, end + 1]);
    i = end;
  }
  return out;
}

/** Runs of ASCII digits (with sign, dot and exponent), the numbers of any format. */
function numbers(bytes: Uint8Array): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  const text = Buffer.from(bytes).toString('latin1');
  for (const m of text.matchAll(/-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?/g)) out.push([m.index, m.index + m[0].length]);
  return out;
}

const HOSTILE_NUMBERS = [
  '1e309', '-1e309', '1e-400', '-1', '-0', 'NaN', 'nan', 'Infinity', '-Infinity', 'inf', '.nan', '.inf', '0x7fffffff',
  '99999999999999999999999999', '9007199254740993', '1e21', '-9e15', '4.2e+1', '1_000', '１２', '', ' ', '0.', '.5', '+7', '00012',
  '2'.repeat(400), '1e2147483648',
];

const INVALID_UTF8 = [[0xff], [0xc3, 0x28], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82], [0x80], [0x00]].map((b) => new Uint8Array(b));
const BOMS = [[0xef, 0xbb, 0xbf], [0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf], [0xff, 0xfe], [0xfe, 0xff], [0x00, 0x00, 0xfe, 0xff]].map((b) => new Uint8Array(b));

export type Mutation = (bytes: Uint8Array) => Uint8Array;

/** One mutation, described (the description is what fast-check prints for a counterexample). */
export interface Described {
  name: string;
  apply: Mutation;
}

const pick = <T>(items: T[], r: number): T => items[Math.floor(r * items.length) % items.length]!;

export const mutationArb: fc.Arbitrary<Described> = fc.oneof(
  fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }).chain((r) =>
    fc.integer({ min: -1, max: 1 }).map((shift) => ({
      name: `truncate at structural point ${r.toFixed(4)}${shift ? ` ${shift > 0 ? '+' : ''}${shift}` : ''}`,
      apply: (b: Uint8Array) => b.slice(0, Math.max(0, pick(structuralPoints(b), r) + shift)),
    })),
  ),
  fc.tuple(fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), fc.integer({ min: 0, max: 255 })).map(([r, v]) => ({
    name: `set byte at ${r.toFixed(4)} to 0x${v.toString(16)}`,
    apply: (b: Uint8Array) => {
      if (b.length === 0) return b;
      const out = b.slice();
      out[Math.floor(r * b.length)] = v;
      return out;
    },
  })),
  fc.tuple(fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true })).map(([r, s]) => ({
    name: `duplicate tag ${r.toFixed(4)} at ${s.toFixed(4)}`,
    apply: (b: Uint8Array) => {
      const all = tags(b);
      if (all.length === 0) return b;
      const [start, end] = pick(all, r);
      const at = Math.floor(s * b.length);
      return concat(b.subarray(0, at), b.subarray(start, end), b.subarray(at));
    },
  })),
  fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }).map((r) => ({
    name: `delete tag ${r.toFixed(4)} (unbalanced)`,
    apply: (b: Uint8Array) => {
      const all = tags(b);
      if (all.length === 0) return b;
      const [start, end] = pick(all, r);
      return concat(b.subarray(0, start), b.subarray(end));
    },
  })),
  fc.tuple(fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), fc.constantFrom(...HOSTILE_NUMBERS)).map(([r, n]) => ({
    name: `number ${r.toFixed(4)} becomes ${JSON.stringify(n.length > 20 ? `${n.slice(0, 20)}…` : n)}`,
    apply: (b: Uint8Array) => {
      const all = numbers(b);
      if (all.length === 0) return b;
      const [start, end] = pick(all, r);
      return concat(b.subarray(0, start), enc(n), b.subarray(end));
    },
  })),
  fc.constantFrom(...BOMS).map((bom) => ({ name: `BOM ${[...bom].map((x) => x.toString(16)).join(' ')} in front`, apply: (b: Uint8Array) => concat(bom, b) })),
  fc.constantFrom('\r\n', '\r', '\n\n').map((eol) => ({
    name: `line ends become ${JSON.stringify(eol)}`,
    apply: (b: Uint8Array) => new Uint8Array(Buffer.from(Buffer.from(b).toString('latin1').replace(/\r?\n/g, eol), 'latin1')),
  })),
  fc.tuple(fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), fc.constantFrom(...INVALID_UTF8)).map(([r, bad]) => ({
    name: `invalid UTF-8 ${[...bad].map((x) => x.toString(16)).join(' ')} at ${r.toFixed(4)}`,
    apply: (b: Uint8Array) => {
      const at = Math.floor(r * b.length);
      return concat(b.subarray(0, at), bad, b.subarray(at));
    },
  })),
  fc.constant({ name: 'empty file', apply: () => new Uint8Array(0) }),
  fc.constant({ name: 'whitespace only', apply: () => enc(' \n\t\r\n') }),
  fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }).map((r) => ({
    name: `second half repeated from ${r.toFixed(4)}`,
    apply: (b: Uint8Array) => concat(b, b.subarray(Math.floor(r * b.length))),
  })),
);

/** One to three mutations applied in turn. */
export const mutationsArb: fc.Arbitrary<Described[]> = fc.array(mutationArb, { minLength: 1, maxLength: 3 });

export function applyAll(bytes: Uint8Array, mutations: Described[]): Uint8Array {
  return mutations.reduce((b, m) => m.apply(b), bytes);
}

/**
 * Runs `work`, failing when it takes longer than `ms`: a per-case timeout (generous; it catches
 * hangs and blow-ups, it is no benchmark). A synchronous blow-up blocks the timer too, so what the
 * case took is also checked once it is back.
 */
export async function withinTimeout<T>(ms: number, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    const result = await Promise.race([
      work(),
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`case took longer than ${ms} ms`)), ms))),
    ]);
    const took = performance.now() - started;
    if (took > ms) throw new Error(`case took ${Math.round(took)} ms, over the ${ms} ms per-case timeout`);
    return result;
  } finally {
    clearTimeout(timer);
  }
}
