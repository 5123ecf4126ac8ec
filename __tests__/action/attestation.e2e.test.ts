/**
 * The built action writes the verdict as an in-toto Statement (SLSA VSA predicate) and names its
 * path in the `attestation` output, for actions/attest: the commit judged, the release artifacts
 * of input attestation-subjects by their sha256, the policy's sha256.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeGitHub, type FakeGitHub } from '../github/fake-github.js';
import { BASIC_POLICY, JUNIT, LCOV, POLICY_PATH, runAction } from './run-action.js';

const HEAD = 'a7'.repeat(20);
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

let fake: FakeGitHub;
beforeEach(async () => {
  fake = await startFakeGitHub({ owner: 'acme', repo: 'shop' });
});
afterEach(async () => {
  expect(fake.invalidRequests()).toEqual([]);
  await fake.close();
});

function pushRun() {
  fake.setContent(POLICY_PATH, BASIC_POLICY, 'main');
  const run = fake.addRun({ headSha: HEAD, headBranch: 'main', event: 'push' });
  fake.addArtifact({ runId: run.id, name: 'test-results', files: { 'junit.xml': JUNIT } });
  fake.addArtifact({ runId: run.id, name: 'coverage', files: { 'lcov.info': LCOV } });
  return run;
}

describe('the attestation output', () => {
  it('names the commit and each release artifact by digest, and the policy by its sha256', async () => {
    const run = pushRun();
    const artifact = 'the release tarball\n';
    const r = await runAction(fake, {
      runId: run.id,
      inputs: { 'attestation-subjects': 'dist/shop-1.0.0.tgz\n' },
      workspace: { [POLICY_PATH]: BASIC_POLICY, 'dist/shop-1.0.0.tgz': artifact },
    });
    expect(r.code, r.all).toBe(0);
    expect(r.outputs.attestation).toMatch(/release-gate-attestation\.json$/);
    const statement = JSON.parse(await readFile(r.outputs.attestation!, 'utf8'));
    expect(statement).toMatchObject({
      _type: 'https://in-toto.io/Statement/v1',
      predicateType: 'https://slsa.dev/verification_summary/v1',
      subject: [
        { uri: `git+https://github.com/acme/shop`, digest: { gitCommit: HEAD } },
        { name: 'dist/shop-1.0.0.tgz', digest: { sha256: sha256(artifact) } },
      ],
      predicate: {
        resourceUri: `git+https://github.com/acme/shop@${HEAD}`,
        policy: { uri: `git+https://github.com/acme/shop@${HEAD}#${POLICY_PATH}`, digest: { sha256: sha256(BASIC_POLICY) } },
        verificationResult: 'PASSED',
      },
    });
  });

  it('a subject that is not there: no attestation, an error that names it, the verdict unchanged', async () => {
    const run = pushRun();
    const r = await runAction(fake, { runId: run.id, inputs: { 'attestation-subjects': 'dist/missing.tgz' }, workspace: { [POLICY_PATH]: BASIC_POLICY } });
    expect(r.code, r.all).toBe(0);
    expect(r.outputs.attestation).toBe('');
    expect(r.all).toContain('no attestation is written: input attestation-subjects: dist/missing.tgz: no such file');
    expect(r.outputs.decision).toBe('pass');
  });
});
