/**
 * Failing tests by name and place, end to end: the built action (dist/index.js) against the fake
 * GitHub, which validates every request against GitHub's OpenAPI description. The check run gets
 * its annotations 50 per request (create, then updates), at most 500 at the tests' source lines
 * plus the policy-line ones, with a note of the rest; the comment lists 10 failing tests per failed
 * criterion, the job summary 50; the `metrics` output holds every criterion's figures.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CONFORMANCE } from '../helpers/evidence.js';
import { startFakeGitHub, type FakeGitHub } from '../github/fake-github.js';
import { POLICY_PATH, runAction } from './run-action.js';

const HEAD = 'c3'.repeat(20);

let fake: FakeGitHub;
beforeEach(async () => {
  fake = await startFakeGitHub({ owner: 'acme', repo: 'shop' });
});
afterEach(async () => {
  expect(fake.invalidRequests()).toEqual([]);
  expect(fake.unhandledRequests().map((r) => `${r.method} ${r.url}`)).toEqual([]);
  await fake.close();
});

/**
 * A CTRF report as jest-ctrf-json-reporter writes it (generated here for its size): `failed`
 * failing tests among `tests`, each with its file (relative, as in a checkout) and line. Test 0's
 * name and message try to mention, link and start a workflow command.
 */
function ctrfReport(tests: number, failed: number, file: (i: number) => string): string {
  const list = Array.from({ length: tests }, (_, i) => {
    const failing = i < failed;
    return {
      name: i === 0 ? 'pings @octocat about #12 ::error::forged' : `cart total ${i}`,
      duration: 3,
      status: failing ? 'failed' : 'passed',
      rawStatus: failing ? 'failed' : 'passed',
      type: 'unit',
      filePath: file(i),
      line: 10 + i,
      suite: 'cart.test.js > cart',
      ...(failing && { message: i === 0 ? 'see https://evil.example\n::add-mask::x' : `Error: expected ${i} to be ${i + 1}\n\nExpected: ${i + 1}` }),
    };
  });
  return JSON.stringify({
    reportFormat: 'CTRF',
    specVersion: '0.0.0',
    results: { tool: { name: 'jest' }, summary: { tests, passed: tests - failed, failed, pending: 0, skipped: 0, other: 0, start: 1795693706844, stop: 1795693707641 }, tests: list },
  });
}

function policy(criteria: number): string {
  const lines = ['version: 1', 'name: release-gate', 'criteria:'];
  for (let i = 1; i <= criteria; i++) {
    lines.push(`  - id: shard-${i}`, `    title: Shard ${i}`, `    evidence: { artifact: test-results, path: shard-${i}.json, format: ctrf }`, '    expect: { failed: "== 0" }');
  }
  lines.push('  - id: coverage', '    title: Coverage', '    required: false', '    evidence: { artifact: coverage, path: lcov.info, format: lcov }', '    expect: { lines: ">= 50%" }');
  return `${lines.join('\n')}\n`;
}

const LCOV = 'TN:\nSF:src/cart.js\nDA:1,1\nDA:2,1\nDA:3,0\nDA:4,1\nLF:4\nLH:3\nend_of_record\n';

function pullRequestRun(policyText: string) {
  fake.setContent(POLICY_PATH, policyText, 'main');
  const pull = fake.addPull({ number: 12, head: { ref: 'feature', sha: HEAD }, base: { ref: 'main' } });
  return fake.addRun({ headSha: HEAD, headBranch: 'feature', event: 'pull_request', pullRequests: [pull.number] });
}

describe('failing tests in the check run, the comment, the summary and the outputs', () => {
  it('six shards of 120 failing tests: 506 annotations in 11 requests of ≤ 50, 94 noted as left out; 10 named per shard in the comment, 50 in the summary', async () => {
    const shards = 6;
    const text = policy(shards);
    const run = pullRequestRun(text);
    const files: Record<string, string> = {};
    for (let s = 1; s <= shards; s++) files[`shard-${s}.json`] = ctrfReport(150, 120, (i) => (i === 1 ? '../outside/cart.test.js' : `src/shard${s}/cart.test.js`));
    fake.addArtifact({ runId: run.id, name: 'test-results', files });
    fake.addArtifact({ runId: run.id, name: 'coverage', files: { 'lcov.info': LCOV } });
    const r = await runAction(fake, { runId: run.id, workspace: { [POLICY_PATH]: text } });
    expect(r.code).toBe(1);

    // annotations: the first 50 with the create, the rest 50 per update, appended in order
    const creates = fake.restRequests('checks/create');
    const updates = fake.restRequests('checks/update');
    expect(creates).toHaveLength(1);
    const sizes = [creates[0]!, ...updates].map((q) => (q.body as { output: { annotations?: unknown[] } }).output.annotations?.length ?? 0);
    // 6 policy lines + 500 at tests: the reader keeps 100 per shard, one of which lies outside the
    // repository, so 594 could be annotated and the cap leaves out 94
    expect(sizes).toEqual([50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 6]);
    const check = fake.state.checkRuns[0]!;
    const annotations = check.output.annotations;
    expect(annotations).toHaveLength(506);
    const policyLines = annotations.slice(0, shards);
    expect(policyLines.map((a) => [a.path, a.annotation_level, a.title])).toEqual(
      Array.from({ length: shards }, (_, i) => [POLICY_PATH, 'failure', `Shard ${i + 1} (shard-${i + 1}): failed`]),
    );
    const atTests = annotations.slice(shards);
    expect(new Set(atTests.map((a) => a.annotation_level))).toEqual(new Set(['failure']));
    // shard 1's 99 annotatable tests (test 1 lies outside), then shard 2's, …, until the cap
    expect(atTests[0]).toMatchObject({ path: 'src/shard1/cart.test.js', start_line: 10, end_line: 10, title: 'cart.test.js > cart › pings @octocat about #12 ::error::forged failed' });
    expect(atTests[0]!.message).toBe('see https://evil.example (Shard 1, shard-1)');
    expect(atTests[1]).toMatchObject({ path: 'src/shard1/cart.test.js', start_line: 12, message: 'Error: expected 2 to be 3 (Shard 1, shard-1)' });
    expect(atTests.filter((a) => a.path === 'src/shard1/cart.test.js')).toHaveLength(99);
    expect(atTests.every((a) => !a.path.includes('..'))).toBe(true);
    expect(atTests.at(-1)).toMatchObject({ path: 'src/shard6/cart.test.js', start_line: 10 + 5 });
    expect(check.output.summary).toContain('<sub>94 more failing tests or findings are not annotated (at most 500 are); the JSON report lists them.</sub>');

    // the comment: 10 per failed shard, then how many more; artifact text escaped
    const body = fake.state.comments[0]!.body;
    expect(body.length).toBeLessThanOrEqual(65_536);
    expect(body).toContain('**Shard 1 `shard-1`**: 120 failing tests\n\n- ❌ cart.test.js &#62; cart › **pings &#64;\u200boctocat about &#35;\u200b12 &#58;&#58;error&#58;&#58;forged** — `src/shard1/cart.test.js:10` — see https&#58;\u200b//evil.example\n- ❌ cart.test.js &#62; cart › **cart total 1** — `../outside/cart.test.js:11` — Error&#58; expected 1 to be 2\n');
    expect(body).toContain('**cart total 9** — `src/shard1/cart.test.js:19` — Error&#58; expected 9 to be 10\n- _… and 110 more_');
    expect(body).not.toContain('cart total 10**');
    expect(body).not.toMatch(/@octocat|::error/);
    for (let s = 1; s <= shards; s++) expect(body).toContain(`**Shard ${s} \`shard-${s}\`**: 120 failing tests`);

    // the job summary: 50 per shard
    expect(r.summary).toContain('**cart total 49** — `src/shard1/cart.test.js:59`');
    expect(r.summary).not.toContain('**cart total 50**');
    expect(r.summary).toContain('- _… and 70 more_');

    // the log names no workflow command from the artifacts
    expect(r.stdout).not.toMatch(/^::error::forged/m);

    // metrics: each criterion's figures, as JSON
    const metrics = JSON.parse(r.outputs.metrics!) as Record<string, Record<string, number>>;
    expect(Object.keys(metrics)).toEqual([...Array.from({ length: shards }, (_, i) => `shard-${i + 1}`), 'coverage']);
    expect(metrics['shard-1']).toMatchObject({ tests: 150, passed: 30, failed: 120, files: 1 });
    expect(metrics.coverage).toMatchObject({ lines: 75, 'lines.covered': 3, 'lines.total': 4, files: 1 });
  });

  it('many failed criteria: fewer tests listed per criterion rather than cutting the criteria without evidence', async () => {
    const shards = 40;
    const text = `${policy(shards)}  - id: soak\n    title: Soak\n    evidence: { artifact: soak, path: summary.json, format: json }\n    metrics: { hours: { path: "$.hours", unit: h } }\n    expect: { hours: ">= 2h" }\n`;
    const run = pullRequestRun(text);
    const long = (i: number) => `src/a-rather-long-directory-name/with-nested-folders/and-a-long-file-name-${i}.test.js`;
    const files: Record<string, string> = {};
    for (let s = 1; s <= shards; s++) files[`shard-${s}.json`] = ctrfReport(40, 40, long);
    fake.addArtifact({ runId: run.id, name: 'test-results', files });
    fake.addArtifact({ runId: run.id, name: 'coverage', files: { 'lcov.info': LCOV } });
    const r = await runAction(fake, { runId: run.id, workspace: { [POLICY_PATH]: text } });
    expect(r.code).toBe(1);
    const body = fake.state.comments[0]!.body;
    // 10 per shard would not fit in 65,536 characters: 3 do, and nothing is cut
    expect(body).toContain('**Shard 40 `shard-40`**: 40 failing tests');
    expect(body).toContain('**cart total 2** — `src/a-rather-long-directory-name/with-nested-folders/and-a-long-file-name-2.test.js:12`');
    expect(body).not.toContain('**cart total 3**');
    expect(body.match(/- _… and 37 more_/g)).toHaveLength(shards);
    expect(body).toContain('#### ⚠️ No evidence');
    expect(body).toContain('**Soak `soak`**');
    expect(body).not.toContain('cut to fit');
    // the job summary has room for 10 per shard and more: it lists all 40
    expect(r.summary).toContain('**cart total 39**');
  });

  it("CodeQL's SARIF findings: notices at their places, listed with level, rule and message (its Markdown links escaped)", async () => {
    // github/codeql-action's own test file (see the conformance set's NOTICE.md): three notes
    const sarif = readFileSync(path.join(CONFORMANCE, 'sarif/codeql-action/valid-sarif.sarif'), 'utf8');
    const text = 'version: 1\nname: release-gate\ncriteria:\n  - id: code-scanning\n    title: No alerts\n    evidence: { artifact: codeql, path: "*.sarif", format: sarif }\n    expect: { results: "== 0" }\n';
    const run = pullRequestRun(text);
    fake.addArtifact({ runId: run.id, name: 'codeql', files: { 'javascript.sarif': sarif } });
    const r = await runAction(fake, { runId: run.id, workspace: { [POLICY_PATH]: text } });
    expect(r.code).toBe(1);
    const annotations = fake.state.checkRuns[0]!.output.annotations;
    expect(annotations.map((a) => [a.path, a.start_line, a.annotation_level, a.title, a.message])).toEqual([
      [POLICY_PATH, 4, 'failure', 'No alerts (code-scanning): failed', 'results = 3, expected == 0'],
      ['main.js', 2, 'notice', 'note js/unused-local-variable', 'Unused variable foo. (No alerts, code-scanning)'],
      ['main.js', 2, 'notice', 'note js/unused-local-variable', 'Unused variable foo. (No alerts, code-scanning)'],
      [
        'src/promiseUtils.js',
        2,
        'notice',
        'note js/inconsistent-use-of-new',
        'Function resolvingPromise is sometimes invoked as a constructor (for example [here](1)), and sometimes as a normal function (for example [here](2)). (No alerts, code-scanning)',
      ],
    ]);
    const body = fake.state.comments[0]!.body;
    expect(body).toContain('**No alerts `code-scanning`**: 3 findings\n\n- **note** `js/unused-local-variable` — `main.js:2` — Unused variable foo.\n');
    expect(body).toContain('- **note** `js/inconsistent-use-of-new` — `src/promiseUtils.js:2` — Function resolvingPromise is sometimes invoked as a constructor &#40;for example &#91;here&#93;&#40;1&#41;&#41;');
    expect(JSON.parse(r.outputs.metrics!)['code-scanning']).toMatchObject({ results: 3, note: 3, error: 0 });
  });

  it('a passing gate: no test annotations, metrics for every criterion, and {} for one without evidence', async () => {
    const text = `${policy(1)}  - id: soak\n    title: Soak\n    required: false\n    evidence: { artifact: soak, path: summary.json, format: json }\n    metrics: { hours: { path: "$.hours", unit: h } }\n    expect: { hours: ">= 2h" }\n`;
    const run = pullRequestRun(text);
    fake.addArtifact({ runId: run.id, name: 'test-results', files: { 'shard-1.json': ctrfReport(20, 0, () => 'src/cart.test.js') } });
    fake.addArtifact({ runId: run.id, name: 'coverage', files: { 'lcov.info': LCOV } });
    const r = await runAction(fake, { runId: run.id, workspace: { [POLICY_PATH]: text } });
    expect(r.code).toBe(0);
    expect(fake.restRequests('checks/update')).toHaveLength(0);
    expect(fake.state.checkRuns[0]!.output.annotations.map((a) => a.title)).toEqual(['Soak (soak): no evidence']);
    expect(fake.state.comments[0]!.body).not.toContain('failing test');
    expect(JSON.parse(r.outputs.metrics!)).toEqual({
      'shard-1': expect.objectContaining({ tests: 20, failed: 0 }),
      coverage: expect.objectContaining({ lines: 75 }),
      soak: {},
    });
  });
});
