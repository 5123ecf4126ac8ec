/**
 * Every example under examples/ (the bundled one and the readiness stories) run through the built
 * CLI as users run it — `node dist/cli.js check … --json` in a child process — with the exit code,
 * decision, score and every criterion's status pinned, per profile where the report has profiles.
 * The policies use no max-age: a checkout resets file times, so the verdicts do not depend on them.
 */
import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { ROOT } from './helpers/evidence.js';


type Status = 'passed' | 'failed' | 'missing' | 'not-applicable' | 'waived';

interface Case {
  profile?: string;
  code: 0 | 1;
  score: number;
  minScore: number | null;
  /** every evaluated criterion, in policy order */
  criteria: Record<string, Status>;
  notEvaluated?: string[];
}

const IPC_CORE: Record<string, Status> = { asan: 'passed', valgrind: 'passed', soak: 'passed', throughput: 'passed' };
const IPC_SYSTEM: Record<string, Status> = { 'router-contract': 'passed', 'mock-scenarios': 'failed', backpressure: 'passed' };
const IPC_E2E: Record<string, Status> = {
  'router-e2e': 'missing',
  'error-codes': 'missing',
  'late-reply': 'missing',
  'reconnect-storm': 'missing',
  'leak-under-load': 'missing',
};

const EXAMPLES: Record<string, Case[]> = {
  basic: [{ code: 0, score: 83.33, minScore: 75, criteria: { 'unit-tests': 'passed', coverage: 'passed', 'load-test': 'missing' } }],
  'ipc-gateway-final-status': [
    // the report: staging APPROVED at 65-70% — the gate agrees
    { profile: 'staging', code: 0, score: 94.64, minScore: 65, criteria: { ...IPC_CORE, ...IPC_SYSTEM }, notEvaluated: Object.keys(IPC_E2E) },
    // the report: production NOT APPROVED until Router E2E — the gate agrees
    { profile: 'production', code: 1, score: 53, minScore: 80, criteria: { ...IPC_CORE, ...IPC_SYSTEM, ...IPC_E2E } },
  ],
  // the report: "80% — PRODUCTION APPROVED", on the same evidence; the gate fails it
  'ipc-gateway-production-ready': [{ code: 1, score: 53, minScore: 80, criteria: { ...IPC_CORE, ...IPC_SYSTEM, ...IPC_E2E } }],
  // the report: GO, "100% ready"
  'friday-deployment-approval': [
    {
      code: 1,
      score: 40,
      minScore: null,
      criteria: {
        tests: 'passed',
        coverage: 'missing',
        'memory-safety': 'missing',
        'thread-safety': 'missing',
        security: 'missing',
        throughput: 'passed',
        'p99-latency': 'passed',
        'error-rate': 'missing',
        'cache-hit-rate': 'passed',
        'staging-suite': 'missing',
      },
    },
  ],
  // the report: 83.5%, "Go with conditions"
  'x0tta6bl4-go-no-go-review': [
    {
      code: 1,
      score: 47.5,
      minScore: null,
      criteria: {
        'unit-tests': 'passed',
        coverage: 'passed',
        performance: 'passed',
        'integration-tests': 'passed',
        'multi-node': 'passed',
        'load-test': 'passed',
        stability: 'missing',
        'failure-injection': 'missing',
        'security-audit': 'missing',
        'production-cluster': 'missing',
        'monitoring-stack': 'missing',
        'prometheus-metrics': 'passed',
        'grafana-dashboards': 'missing',
        'alerting-rules': 'missing',
        tracing: 'missing',
      },
    },
  ],
  // the report: 91-93%, "APPROVED FOR GO-LIVE"
  'x0tta6bl4-production-sign-off': [
    {
      code: 1,
      score: 57.14,
      minScore: null,
      criteria: {
        stability: 'passed',
        latency: 'passed',
        'error-rate': 'passed',
        throughput: 'passed',
        'integration-tests': 'missing',
        'load-tests': 'missing',
        'chaos-tests': 'missing',
      },
    },
  ],
};

interface Report {
  decision: string;
  score: number;
  minScore: number | null;
  profile: string | null;
  counts: Record<Status, number>;
  criteria: { id: string; status: Status; required: boolean; reason: string }[];
  notEvaluated: string[];
}

async function check(example: string, profile: string | undefined, json: string) {
  const args = ['check', '--policy', `examples/${example}/release-gate.yml`, '--evidence', `examples/${example}/evidence`, '--json', json];
  if (profile) args.push('--profile', profile);
  return runCli(args);
}

let work: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'release-gate-examples-'));
});

describe('examples/', () => {
  it('every example directory has expectations here, and each has its policy, evidence and README', async () => {
    const dirs = (await readdir(path.join(ROOT, 'examples'), { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name);
    expect(dirs.sort()).toEqual(Object.keys(EXAMPLES).sort());
    const index = await readFile(path.join(ROOT, 'examples/README.md'), 'utf8');
    for (const name of dirs.filter((d) => d !== 'basic')) {
      expect(index).toContain(`(${name}/)`);
      const readme = await readFile(path.join(ROOT, 'examples', name, 'README.md'), 'utf8');
      expect(readme).toContain(`npx release-gate check --policy examples/${name}/release-gate.yml --evidence examples/${name}/evidence`);
      await readFile(path.join(ROOT, 'examples', name, 'sources/make-evidence.sh'), 'utf8');
    }
  });

  for (const [example, cases] of Object.entries(EXAMPLES)) {
    describe(example, () => {
      for (const c of cases) {
        const label = c.profile ? `--profile ${c.profile}` : 'no profile';
        it(`${label}: ${c.code === 0 ? 'passes' : 'fails'} with score ${c.score}% and the expected status of every criterion`, async () => {
          const json = path.join(work, `${example}-${c.profile ?? 'none'}.json`);
          const r = await check(example, c.profile, json);
          expect(r.stderr).toBe('');
          expect(r.code).toBe(c.code);
          const report = JSON.parse(await readFile(json, 'utf8')) as Report;
          expect(report.decision).toBe(c.code === 0 ? 'pass' : 'fail');
          expect(report.score).toBe(c.score);
          expect(report.minScore ?? null).toBe(c.minScore);
          expect(report.profile).toBe(c.profile ?? null);
          expect(Object.fromEntries(report.criteria.map((x) => [x.id, x.status]))).toEqual(c.criteria);
          const statuses = Object.values(c.criteria);
          expect(report.counts).toEqual({
            passed: statuses.filter((s) => s === 'passed').length,
            failed: statuses.filter((s) => s === 'failed').length,
            missing: statuses.filter((s) => s === 'missing').length,
            'not-applicable': statuses.filter((s) => s === 'not-applicable').length,
            waived: statuses.filter((s) => s === 'waived').length,
          });
          expect([...report.notEvaluated].sort()).toEqual([...(c.notEvaluated ?? [])].sort());
          // a failing gate names, on its verdict line, why: required criteria without evidence
          const required = report.criteria.filter((x) => x.required && x.status !== 'passed');
          if (required.length > 0) expect(r.stdout.split('\n')[1]).toContain('required criteria not passed');
          // what the report had not run is reported as "no evidence", never as a pass
          for (const x of report.criteria.filter((x) => x.status === 'missing')) expect(x.reason).not.toBe('');
        });
      }
    });
  }
});
