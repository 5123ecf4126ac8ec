/**
 * Bounds of the line-oriented readers on hostile shapes, measured on the built CLI
 * (`node dist/cli.js check`, see runCliBounded): policy regexes that would keep RE2 busy for
 * minutes, and lcov tracefiles whose branch ids, function names and source paths are a megabyte
 * each. Inputs are generated at test time into a temp dir (a few MB to a few hundred MB), and each
 * case asserts that the CLI ended on its own, wrote its report, and stayed under a time and memory
 * bound the old code broke (numbers measured on a loaded 2-core machine are in each case).
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MB, runCliBounded, type BoundedRun } from '../helpers/bounded.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'rg-line-bounds-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Report {
  decision: string;
  errors: string[];
  criteria: { id: string; status: string; reason?: string; metrics?: Record<string, { value: number }> }[];
}

/** Writes the policy and runs `check` on the evidence folder; returns the run and its JSON report. */
async function check(policy: string, timeoutMs: number): Promise<{ run: BoundedRun; report: Report }> {
  const policyFile = path.join(dir, 'policy.yml');
  const out = path.join(dir, 'report.json');
  await writeFile(policyFile, policy);
  const run = await runCliBounded(['check', '--policy', policyFile, '--evidence', path.join(dir, 'evidence'), '--json', out], { timeoutMs });
  expect(run.timedOut, `the CLI was killed after ${Math.round(run.ms)} ms`).toBe(false);
  const report = JSON.parse(await readFile(out, 'utf8')) as Report;
  return { run, report };
}

/** Writes `lines()` to evidence/name, one write per line (files of hundreds of MB never sit in memory). */
async function generate(name: string, lines: () => Iterable<string>): Promise<void> {
  await mkdir(path.join(dir, 'evidence'), { recursive: true });
  const fd = openSync(path.join(dir, 'evidence', name), 'w');
  try {
    for (const line of lines()) writeSync(fd, `${line}\n`);
  } finally {
    closeSync(fd);
  }
}

/** About 1 MB of text, different for each i (LIMITS.lineBytes is 1 MiB per line). */
const megabyte = (i: number): string => `${String.fromCharCode(97 + (i % 26)).repeat(MB - 200)}${i}`;

describe('text: policy regexes over long lines', () => {
  it('a regex with a large counted repetition is a policy error before any log is read (was 20 s per MB)', async () => {
    // 4 lines of 1 MB of a/b: the old code ran b[ab]{999}$ for over 30 s (killed); now refused in under a second
    await generate('run.log', function* () {
      let seed = 1;
      for (let i = 0; i < 4; i++) {
        let line = '';
        for (let k = 0; k < MB - 16; k += 64) {
          seed = (seed * 1103515245 + 12345) % 2147483648;
          line += seed.toString(2).padStart(64, '0').slice(0, 64).replaceAll('0', 'a').replaceAll('1', 'b');
        }
        yield line;
      }
    });
    const { run, report } = await check(
      `version: 1
criteria:
  - id: tails
    evidence: { path: "*.log", format: text }
    metrics:
      tail: { count: "b[ab]{999}$" }
      pairs: { count: "(?:[ab]b){200}" }
      ok: { count: "ERROR: LeakSanitizer" }
    expect: { tail: "== 0", pairs: "== 0", ok: "== 0" }
`,
      20_000,
    );
    expect(run.code).toBe(2);
    expect(run.ms).toBeLessThan(10_000);
    expect(report.decision).toBe('fail');
    expect(report.errors).toHaveLength(2);
    expect(report.errors[0]).toMatch(/metrics\.tail\.count: regex "b\[ab\]\{999\}\$" compiles to 1003 instructions, more than the 128 allowed \(MAX_REGEX_PROGRAM\)/);
    expect(report.errors[1]).toMatch(/metrics\.pairs\.count: regex .* compiles to \d+ instructions, more than the 128 allowed/);
  }, 30_000);

  it('honest regexes over MB-long lines are counted in time and memory', async () => {
    // 4 MB in 1 MB lines, each line holding 1000 LeakSanitizer reports
    const report1000 = 'ERROR: LeakSanitizer: detected memory leaks; '.repeat(1000);
    await generate('asan.log', function* () {
      for (let i = 0; i < 4; i++) yield `${report1000}${'x'.repeat(MB - report1000.length - 100)}`;
      yield 'SUMMARY: AddressSanitizer: 4096 byte(s) leaked in 4000 allocation(s).';
    });
    const { run, report } = await check(
      `version: 1
criteria:
  - id: asan
    evidence: { path: "*.log", format: text }
    metrics:
      reports: { count: "ERROR: LeakSanitizer" }
      words: { count: "(?i)detected (memory|file) leaks" }
      leaked: { capture: "SUMMARY: AddressSanitizer: ([0-9]+) byte\\\\(s\\\\) leaked", unit: B }
    expect: { reports: "== 4000", words: "== 4000", leaked: "== 4096 B" }
`,
      30_000,
    );
    expect(report.criteria[0]?.status).toBe('passed');
    expect(run.code).toBe(0);
    expect(run.ms).toBeLessThan(15_000);
    expect(run.peakRss).toBeLessThan(200 * MB);
  }, 40_000);
});

describe('lcov: MB-long identities', () => {
  it('four tracefiles of 1 MB branch ids: bounded memory (the old code took 365 MB for these 200 MB, 1 GB for 800 MB; now about 145 MB)', async () => {
    for (let f = 0; f < 4; f++) {
      await generate(`cov${f}.info`, function* () {
        yield `SF:src/file${f}.c`;
        for (let i = 0; i < 50; i++) yield `BRDA:${i + 1},${megabyte(i)},0,${i % 2}`;
        yield 'DA:1,1';
        yield 'end_of_record';
      });
    }
    const { run, report } = await check(
      `version: 1
criteria:
  - id: coverage
    evidence: { path: "*.info", format: lcov }
    expect: { branches: ">= 50%", branches.total: "== 200", lines: "== 100%" }
`,
      30_000,
    );
    expect(report.criteria[0]?.status).toBe('passed');
    expect(run.code).toBe(0);
    expect(run.ms).toBeLessThan(15_000);
    expect(run.peakRss).toBeLessThan(250 * MB);
  }, 60_000);

  it('1 MB source paths and function names: bounded memory (the old code took 380 MB; now about 150 MB)', async () => {
    // 60 records, each a different 1 MB path; the same 60 paths again in a second file (merged)
    for (const run of [0, 1]) {
      await generate(`paths${run}.info`, function* () {
        for (let i = 0; i < 60; i++) {
          yield `SF:/src/${megabyte(i)}.c`;
          yield `DA:1,${(i + run) % 2}`;
          yield 'end_of_record';
        }
      });
    }
    // 40 functions of 1 MB names, half called
    await generate('functions.info', function* () {
      yield 'SF:src/functions.c';
      for (let i = 0; i < 40; i++) {
        const name = megabyte(i + 1000);
        yield `FN:${i + 1},${name}`;
        yield `FNDA:${i % 2},${name}`;
      }
      yield 'DA:1,1';
      yield 'end_of_record';
    });
    const { run, report } = await check(
      `version: 1
criteria:
  - id: coverage
    evidence: { path: "*.info", format: lcov }
    expect: { lines.total: "== 61", lines: "== 100%", functions.total: "== 40", functions.covered: "== 20" }
`,
      30_000,
    );
    expect(report.criteria[0]?.status).toBe('passed');
    expect(run.code).toBe(0);
    expect(run.ms).toBeLessThan(15_000);
    expect(run.peakRss).toBeLessThan(250 * MB);
  }, 60_000);
});
