/**
 * Bounds of the whole-document readers (JSON, YAML, SARIF) on dense hostile shapes far below their
 * 256 MiB cap, measured on the built CLI (`node dist/cli.js check`, see runCliBounded): a YAML list
 * of `- {}`, a JSON array of empty objects read through a path of names and through a descendant
 * path (`$..p`), a SARIF log of millions of empty results. Inputs are generated at test time into a
 * temp dir; each case asserts that the CLI ended on its own, wrote its JSON report, gave the
 * criterion a verdict (passed, or missing with the reason) and stayed within the goal of issue 10
 * for whole-document formats: peak RSS below 4x the file plus 100 MB, and 30 s per 100 MB (plus
 * start-up, on a loaded 2-core machine).
 *
 * The child runs with a 1 GiB heap (NODE_OPTIONS), so that the old code fails fast instead of
 * taking the machine's memory. What the old code did, measured on the same shapes: YAML 20 MB, heap
 * crash after 123 s; JSON 50 MB, 1.9 GB peak (`$.p`) and heap crash (`$..p`); SARIF 100 MB of
 * empty results, 83 M result objects (a 250 MB one crashed after 224 s).
 */
import { closeSync, openSync, statSync, writeSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MB, runCliBounded, type BoundedRun } from '../helpers/bounded.js';

let dir: string;
const savedNodeOptions = process.env.NODE_OPTIONS;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'rg-document-bounds-'));
  // read by the CLI child at start-up only; never the test worker's own heap
  process.env.NODE_OPTIONS = `${savedNodeOptions ?? ''} --max-old-space-size=1024`.trim();
});

afterEach(async () => {
  if (savedNodeOptions === undefined) delete process.env.NODE_OPTIONS;
  else process.env.NODE_OPTIONS = savedNodeOptions;
  await rm(dir, { recursive: true, force: true });
});

interface Report {
  criteria: { id: string; status: string; reason?: string; metrics?: Record<string, number> }[];
}

/** Writes the policy and runs `check` on the evidence folder; returns the run and its JSON report. */
async function check(policy: string, timeoutMs = 60_000): Promise<{ run: BoundedRun; report: Report }> {
  const policyFile = path.join(dir, 'policy.yml');
  const out = path.join(dir, 'report.json');
  await writeFile(policyFile, policy);
  const run = await runCliBounded(['check', '--policy', policyFile, '--evidence', path.join(dir, 'evidence'), '--json', out], { timeoutMs });
  expect(run.timedOut, `the CLI was killed after ${Math.round(run.ms)} ms`).toBe(false);
  expect(run.code, run.stderr.slice(-2000)).not.toBe(134);
  const text = await readFile(out, 'utf8').catch(() => undefined);
  expect(text, `no JSON report; exit ${run.code}, stderr: ${run.stderr.slice(-2000)}`).toBeDefined();
  return { run, report: JSON.parse(text as string) as Report };
}

/** Writes head + unit × n + tail to evidence/name in 1 MB writes; returns the file's size. */
async function generate(name: string, head: string, unit: string, n: number, tail: string): Promise<number> {
  await mkdir(path.join(dir, 'evidence'), { recursive: true });
  const file = path.join(dir, 'evidence', name);
  const fd = openSync(file, 'w');
  try {
    writeSync(fd, head);
    const perWrite = Math.max(1, Math.floor(MB / unit.length));
    const block = unit.repeat(perWrite);
    let left = n;
    for (; left >= perWrite; left -= perWrite) writeSync(fd, block);
    writeSync(fd, unit.repeat(left));
    writeSync(fd, tail);
  } finally {
    closeSync(fd);
  }
  return statSync(file).size;
}

/** The goal for whole-document formats: below 4x the file plus 100 MB, and 30 s per 100 MB plus start-up. */
function expectWithinGoal(run: BoundedRun, bytes: number): void {
  expect(run.peakRss, `peak RSS ${Math.round(run.peakRss / MB)} MB for a ${Math.round(bytes / MB)} MB file`).toBeLessThan(4 * bytes + 100 * MB);
  expect(run.ms, `${Math.round(run.ms)} ms for a ${Math.round(bytes / MB)} MB file`).toBeLessThan(10_000 + (30_000 * bytes) / (100 * MB));
}

const jsonPolicy = (jsonPath: string): string => `version: 1
criteria:
  - id: doc
    evidence: { path: "doc.json", format: json }
    metrics:
      p: { path: "${jsonPath}" }
    expect: { p: "== 7" }
`;

describe('whole-document formats: dense documents end in bounded time and memory, with a verdict', () => {
  it('YAML: 20 MB of "- {}" items is refused with the reason before the parser runs (was a heap crash after 123 s)', async () => {
    const bytes = await generate('doc.yaml', 'p: 7\nitems:\n', '- {}\n', 4_000_000, '');
    const { run, report } = await check(`version: 1
criteria:
  - id: doc
    evidence: { path: "doc.yaml", format: yaml }
    metrics:
      p: { path: "$.p" }
    expect: { p: "== 7" }
`);
    expect(report.criteria[0]).toMatchObject({ id: 'doc', status: 'missing' });
    expect(report.criteria[0]?.reason).toMatch(/^doc\.yaml:\d+: unreadable as yaml: the YAML document has more than \d+ lines and flow items \(LIMITS\.documentValues \/ 16/);
    expectWithinGoal(run, bytes);
  }, 90_000);

  it('JSON: a 40 MB array of empty objects read through $.p builds only p and passes (was 1.9 GB peak)', async () => {
    const bytes = await generate('doc.json', '{"p": 7, "items": [', '{},', 14_000_000, '{}]}');
    const { run, report } = await check(jsonPolicy('$.p'));
    expect(report.criteria[0]).toMatchObject({ id: 'doc', status: 'passed', metrics: { p: 7 } });
    expectWithinGoal(run, bytes);
  }, 90_000);

  it('JSON: the same document through $..p is refused with the value budget as reason (was a heap crash at 2.6 GB)', async () => {
    const bytes = await generate('doc.json', '{"p": 7, "items": [', '{},', 14_000_000, '{}]}');
    const { run, report } = await check(jsonPolicy('$..p'));
    expect(report.criteria[0]).toMatchObject({ id: 'doc', status: 'missing' });
    expect(report.criteria[0]?.reason).toMatch(
      /^doc\.json:1:\d+: unreadable as json: the JSON document holds more than \d+ values to build \(LIMITS\.documentValues 200000, plus one per 96 bytes of the file\)/,
    );
    expectWithinGoal(run, bytes);
  }, 90_000);

  it('JSON: a descendant path over values spread out enough is read within the bound', async () => {
    // one value per ~100 bytes: within the budget, so the whole document is built and walked
    const bytes = await generate('doc.json', '{"items": [', `"${'x'.repeat(100)}",`, 300_000, '0], "q": {"p": 7}}');
    const { run, report } = await check(jsonPolicy('$..p'));
    expect(report.criteria[0]).toMatchObject({ id: 'doc', status: 'passed', metrics: { p: 7 } });
    expectWithinGoal(run, bytes);
  }, 90_000);

  it('SARIF: 60 MB of empty results are streamed and counted, never built (the old reader built every result)', async () => {
    const results = 20_000_000;
    const bytes = await generate('doc.sarif', '{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"T"}},"results":[', '{},', results - 1, '{}]}]}');
    const { run, report } = await check(`version: 1
criteria:
  - id: scan
    evidence: { path: "doc.sarif", format: sarif }
    expect: { error: "== 0", warning: "<= 1" }
`);
    // every result counts: a warning (no level, no rule), unrated; the gate fails on warning <= 1
    expect(report.criteria[0]).toMatchObject({ id: 'scan', status: 'failed', metrics: { results, warning: results, error: 0, 'security.unrated': results } });
    expectWithinGoal(run, bytes);
  }, 90_000);
});
