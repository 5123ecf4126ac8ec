/**
 * Hostile artifact zips, end to end: the built action downloads each zip itself (skipDecompress) and
 * unpacks it under the caps of LIMITS. Every zip here is made at test time and served byte for byte
 * by the fake GitHub (`zip` on the artifact record). For each: the artifact is refused as a whole
 * (not even the harmless files in it are read), the criterion that needs it is missing with a reason
 * naming the rule, the gate fails, and summary, outputs and report are written.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { zipSync, type Zippable } from 'fflate';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { faults, startFakeGitHub, type FakeGitHub } from '../github/fake-github.js';
import { POLICY_PATH, runAction, TOKEN, type ActionRun, warnings } from './run-action.js';

const POLICY = `version: 1
criteria:
  - id: unit-tests
    evidence: { artifact: test-results, path: "**/*.xml", format: junit }
    expect: { failed: "== 0", tests: ">= 1" }
  - id: smoke
    required: false
    evidence: { artifact: smoke, path: "*.xml", format: junit }
    expect: { failed: "== 0" }
`;
/** passing evidence: were any of it read from a refused artifact, unit-tests would pass */
const PASSING_JUNIT = '<testsuite><testcase name="a"/><testcase name="b"/></testsuite>';
const HEAD = 'a1'.repeat(20);

let fake: FakeGitHub;
beforeEach(async () => {
  fake = await startFakeGitHub({ owner: 'acme', repo: 'shop' });
});
afterEach(async () => {
  expect(fake.invalidRequests()).toEqual([]);
  expect(fake.unhandledRequests().map((r) => `${r.method} ${r.url}`)).toEqual([]);
  await fake.close();
});

interface Outcome {
  r: ActionRun;
  report: { decision: string; criteria: Array<{ id: string; status: string; reason: string }> };
  temp: string;
}

/** One push run with the hostile zip as "test-results" and a good "smoke" artifact beside it. */
async function gate(zip: Uint8Array): Promise<Outcome> {
  fake.setContent(POLICY_PATH, POLICY, 'main');
  const run = fake.addRun({ headSha: HEAD, headBranch: 'main', event: 'push' });
  fake.addArtifact({ runId: run.id, name: 'test-results', files: {}, zip });
  fake.addArtifact({ runId: run.id, name: 'smoke', files: { 'smoke.xml': PASSING_JUNIT } });
  const temp = await mkdtemp(path.join(tmpdir(), 'release-gate-hostile-zip-'));
  const r = await runAction(fake, { runId: run.id, workspace: { [POLICY_PATH]: POLICY }, env: { RUNNER_TEMP: temp } });
  expect(r.outputs.report, r.all).toBeDefined();
  const report = JSON.parse(readFileSync(r.outputs.report!, 'utf8')) as Outcome['report'];
  return { r, report, temp };
}

/** The refused artifact fails the gate closed; the good one beside it is still read. */
function expectRefused({ r, report }: Outcome, reason: RegExp): void {
  expect(r.code, r.all).toBe(1);
  expect(r.stderr).not.toMatch(/TypeError|RangeError|at .*\.js:\d+/);
  expect(r.all).not.toContain(TOKEN);
  const unit = report.criteria.find((c) => c.id === 'unit-tests')!;
  expect(unit.status).toBe('missing');
  expect(unit.reason).toMatch(/^artifact "test-results" refused: |^artifact "test-results" could not be unpacked: /);
  expect(unit.reason).toMatch(reason);
  expect(report.criteria.find((c) => c.id === 'smoke')!.status).toBe('passed');
  expect(report.decision).toBe('fail');
  expect(r.outputs).toMatchObject({ decision: 'fail', passed: '1', failed: '0', missing: '1' });
  expect(r.summary).toContain('release-gate: failed');
  expect(r.summary).toContain('**no evidence**: artifact "test-results" ');
  expect(warnings(r).some((w) => w.startsWith('artifact "test-results" '))).toBe(true);
  const check = fake.state.checkRuns[0]!;
  expect(check.conclusion).toBe('failure');
  expect(JSON.stringify(check)).not.toContain(TOKEN);
}

async function filesUnder(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true })).map(String);
}

const bytes = (s: string) => new TextEncoder().encode(s);

describe('hostile artifact zips', () => {
  it('a "../" path (zip-slip) refuses the whole artifact and writes nothing outside it', async () => {
    const zip = zipSync({ 'junit.xml': bytes(PASSING_JUNIT), '../../escaped.xml': bytes(PASSING_JUNIT) });
    const o = await gate(zip);
    expectRefused(o, /"\.\.\/\.\.\/escaped\.xml" would be written outside the artifact folder \(zip-slip/);
    expect((await filesUnder(o.temp)).filter((f) => f.includes('escaped'))).toEqual([]);
    expect(existsSync(path.join(path.dirname(o.temp), 'escaped.xml'))).toBe(false);
  });

  it('an absolute path is refused', async () => {
    const target = path.join(tmpdir(), `release-gate-absolute-${process.pid}.xml`);
    const zip = zipSync({ 'junit.xml': bytes(PASSING_JUNIT), [target]: bytes(PASSING_JUNIT) });
    const o = await gate(zip);
    expectRefused(o, /would be written outside the artifact folder \(zip-slip: absolute path\)/);
    expect(existsSync(target)).toBe(false);
  });

  it('a symbolic link is refused (even one pointing inside)', async () => {
    const zip = zipSync({
      'junit.xml': bytes(PASSING_JUNIT),
      'passwd.xml': [bytes('/etc/passwd'), { os: 3, attrs: (0o120777 << 16) >>> 0 }],
    } as Zippable);
    const o = await gate(zip);
    expectRefused(o, /entry "passwd\.xml" is a symbolic link; links are not unpacked/);
    expect(o.r.all).not.toContain('root:x:0:0');
  });

  it('more than 10,000 entries are refused before anything is unpacked', async () => {
    const files: Zippable = {};
    for (let i = 0; i <= 10_000; i++) files[`r/${i}.xml`] = [bytes(PASSING_JUNIT), { level: 0 }];
    const o = await gate(zipSync(files));
    expectRefused(o, /10001 entries, more than the 10000 allowed per artifact \(LIMITS\.zipEntries\)/);
  });

  it('an entry inflating more than 1,000:1 is refused as a zip bomb', async () => {
    // 20 MiB of zeros deflate to ~20 KiB: 1,024:1
    const zip = zipSync({ 'junit.xml': bytes(PASSING_JUNIT), 'zeros.xml': new Uint8Array(20 * 1024 * 1024) }, { level: 9 });
    const o = await gate(zip);
    expectRefused(o, /entry "zeros\.xml" inflates more than 1000:1 .*LIMITS\.zipRatio/);
  });

  it('a truncated zip is refused as unreadable', async () => {
    const good = zipSync({ 'junit.xml': bytes(PASSING_JUNIT) });
    const o = await gate(good.subarray(0, good.length - 30));
    expectRefused(o, /not a readable zip/);
  });

  it('a zip whose compressed data is corrupt is refused, and no part of it is read', async () => {
    const zip = zipSync({ 'a.xml': bytes(PASSING_JUNIT), 'b.xml': bytes(`<testsuite>${'<testcase name="x"/>'.repeat(200)}</testsuite>`) });
    // corrupt the deflate stream of b.xml (the second local entry)
    const second = findSignature(zip, 0x04034b50, 1);
    const dataStart = second + 30 + 5; // local header + "b.xml"
    const corrupt = zip.slice();
    for (let i = dataStart; i < dataStart + 8; i++) corrupt[i] = 0xff;
    const o = await gate(corrupt);
    expectRefused(o, /corrupt zip|invalid|unexpected|too many|too few|unknown/i);
  });

  it('a zip that differs from the digest recorded at upload (changed in transit) is refused', async () => {
    const other = zipSync({ 'junit.xml': bytes(PASSING_JUNIT) });
    fake.setFault((req) => (req.kind === 'blob' && req.path.includes('/test-results.zip') ? faults.status(200, Buffer.from(other).toString('latin1'), { 'content-type': 'application/zip' }) : undefined));
    const o = await gate(zipSync({ 'junit.xml': bytes('<testsuite><testcase name="a"><failure/></testcase></testsuite>') }));
    expectRefused(o, /the downloaded zip does not match the digest GitHub recorded at upload \(sha256:[0-9a-f]{64}\)/);
  });

  it('garbage that is not a zip at all is refused', async () => {
    const o = await gate(bytes('<html>404 Not Found</html>'));
    expectRefused(o, /not a readable zip/);
  });
});

describe('several artifacts for one criterion', () => {
  it('one refused artifact leaves the criterion missing, though the others read and pass', async () => {
    const policy = 'version: 1\ncriteria:\n  - id: unit-tests\n    evidence: { artifact: "results-*", path: "*.xml", format: junit }\n    expect: { failed: "== 0" }\n';
    fake.setContent(POLICY_PATH, policy, 'main');
    const run = fake.addRun({ headSha: HEAD, headBranch: 'main', event: 'push' });
    fake.addArtifact({ runId: run.id, name: 'results-linux', files: { 'junit.xml': PASSING_JUNIT } });
    // the failing tests are in the artifact that is refused
    const failing = '<testsuite><testcase name="a"><failure/></testcase></testsuite>';
    fake.addArtifact({ runId: run.id, name: 'results-windows', files: {}, zip: zipSync({ 'junit.xml': bytes(failing), '../x.xml': bytes(failing) }) });
    const r = await runAction(fake, { runId: run.id, workspace: { [POLICY_PATH]: policy } });
    expect(r.code).toBe(1);
    const report = JSON.parse(readFileSync(r.outputs.report!, 'utf8')) as Outcome['report'];
    expect(report.criteria[0]).toMatchObject({ status: 'missing', reason: expect.stringMatching(/^artifact "results-windows" refused: entry "\.\.\/x\.xml" would be written outside/) });
    expect(r.outputs).toMatchObject({ decision: 'fail', passed: '0', missing: '1' });
  });
});

/** Offset of the n-th (0-based) little-endian 32-bit signature in a zip. */
function findSignature(zip: Uint8Array, signature: number, n: number): number {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  for (let i = 0, seen = 0; i + 4 <= zip.length; i++) {
    if (view.getUint32(i, true) === signature && seen++ === n) return i;
  }
  throw new Error('signature not found');
}
