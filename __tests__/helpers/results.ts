/** Helpers of the JSON test-results readers' tests (jest-json, mocha-json, rspec-json, ctrf). */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import type { TestResults } from '../../src/readers/test-results.js';
import type { Format } from '../../src/readers/types.js';
import { runCli } from './cli.js';
import { CONFORMANCE, FIXTURES, bytesSource, context, fileSource, manifest, type ManifestEntry } from './evidence.js';

export function readText(format: Format<TestResults>, text: string, chunk = 7): Promise<TestResults> {
  return format.read(bytesSource(text, chunk), context('evidence.json'));
}

export function readFixture(format: Format<TestResults>, file: string): Promise<TestResults> {
  return format.read(fileSource(path.join(FIXTURES, file)), context(file));
}

export function readConformance(format: Format<TestResults>, file: string): Promise<TestResults> {
  return format.read(fileSource(path.join(CONFORMANCE, file)), context(file));
}

/** The manifest entries of one conformance format that have an upstream expectation. */
export function oracleEntries(format: string): ManifestEntry[] {
  return manifest().filter((e) => e.format === format && e.expected !== null);
}

/** The counts of a model, in the manifest's vocabulary. */
export function asOracle(m: TestResults): Record<string, number> {
  return { tests: m.tests, passed: m.passed, failures: m.failures, errors: m.errors, skipped: m.skipped, failures_plus_errors: m.failures + m.errors };
}

/** The counts of `expected` that the model must equal (suite_level, suites, parse_errors are JUnit views). */
export function expectOracle(m: TestResults, expected: Record<string, unknown>): void {
  const counts = asOracle(m);
  const wanted: Record<string, number> = {};
  for (const [key, value] of Object.entries(expected)) if (key in counts && typeof value === 'number') wanted[key] = value;
  expect(Object.keys(wanted).length).toBeGreaterThan(0);
  expect(pick(counts, Object.keys(wanted))).toEqual(wanted);
}

function pick(o: Record<string, number>, keys: string[]): Record<string, number> {
  return Object.fromEntries(keys.map((k) => [k, o[k] as number]));
}

export interface GateReport {
  criteria: { id: string; status: string; reason: string; metrics: Record<string, number>; failing?: unknown[] }[];
}

/** Runs the built CLI on a policy over evidence files written to a temporary directory. */
export async function runGate(files: Record<string, string | Buffer>, policy: string): Promise<{ code: number; stdout: string; report: GateReport }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'rg-results-'));
  try {
    await mkdir(path.join(dir, 'ev'));
    for (const [name, content] of Object.entries(files)) await writeFile(path.join(dir, 'ev', name), content);
    await writeFile(path.join(dir, 'gate.yml'), policy);
    const json = path.join(dir, 'report.json');
    const r = await runCli(['check', '--policy', path.join(dir, 'gate.yml'), '--evidence', path.join(dir, 'ev'), '--json', json]);
    const report = JSON.parse(await readFile(json, 'utf8')) as GateReport;
    return { code: r.code, stdout: r.stdout, report };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
