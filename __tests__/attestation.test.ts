/**
 * release-gate check --attestation: the verdict as an in-toto Statement v1 with a SLSA VSA v1
 * predicate, through the built CLI; valid against both schemas (written from the specifications:
 * __tests__/fixtures/attestation/README.md), with digests equal to the files' own.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { ROOT } from './helpers/evidence.js';
import pkg from '../package.json' with { type: 'json' };

const SCHEMAS = path.join(ROOT, '__tests__/fixtures/attestation');
const EXAMPLE = path.join(ROOT, 'examples/basic');
const COMMIT = '0123456789abcdef0123456789abcdef01234567';
const sha256 = async (file: string) => createHash('sha256').update(await readFile(file)).digest('hex');

let validateStatement: (data: unknown) => boolean;
let validateVsa: (data: unknown) => boolean;
let errorsOf: () => string;
let dir: string;

beforeAll(async () => {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  (addFormats as unknown as (a: Ajv2020) => void)(ajv);
  const statement = JSON.parse(await readFile(path.join(SCHEMAS, 'in-toto-statement-v1.schema.json'), 'utf8'));
  const vsa = JSON.parse(await readFile(path.join(SCHEMAS, 'slsa-vsa-v1.schema.json'), 'utf8'));
  ajv.addSchema(statement);
  validateStatement = ajv.compile(statement);
  validateVsa = ajv.compile(vsa);
  errorsOf = () => ajv.errorsText(ajv.errors);
  dir = await mkdtemp(path.join(tmpdir(), 'release-gate-attest-'));
});

async function attest(args: string[], env: Record<string, string> = {}) {
  const out = path.join(dir, `statement-${Math.random().toString(36).slice(2)}.json`);
  const r = await runCli(['check', '--policy', path.join(EXAMPLE, 'release-gate.yml'), '--evidence', path.join(EXAMPLE, 'evidence'), '--commit', COMMIT, '--attestation', out, ...args], ROOT, env);
  return { ...r, statement: JSON.parse(await readFile(out, 'utf8')) as { _type: string; subject: Array<{ name: string; uri?: string; digest: Record<string, string> }>; predicateType: string; predicate: Record<string, unknown> } };
}

describe('release-gate check --attestation', () => {
  it('writes a Statement v1 with a VSA v1 predicate that both schemas accept, naming the commit and each release artifact by its digest', async () => {
    const artifact = path.join(dir, 'app-1.2.3.tgz');
    await writeFile(artifact, 'the release artifact\n');
    const r = await attest(['--subject', artifact], { GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'shop/checkout' });
    expect(r.code).toBe(0);
    const { statement } = r;
    expect(validateStatement(statement), errorsOf()).toBe(true);
    expect(validateVsa(statement.predicate), errorsOf()).toBe(true);
    expect(statement.predicateType).toBe('https://slsa.dev/verification_summary/v1');
    expect(statement.subject).toEqual([
      { uri: 'git+https://github.com/shop/checkout', name: `commit ${COMMIT}`, digest: { gitCommit: COMMIT } },
      { name: artifact, digest: { sha256: await sha256(artifact) } },
    ]);
    expect(statement.predicate).toMatchObject({
      verifier: { id: 'https://github.com/release-gate/release-gate', version: { 'release-gate': pkg.version } },
      resourceUri: `git+https://github.com/shop/checkout@${COMMIT}`,
      policy: { uri: `git+https://github.com/shop/checkout@${COMMIT}#${path.join(EXAMPLE, 'release-gate.yml')}`, digest: { sha256: await sha256(path.join(EXAMPLE, 'release-gate.yml')) } },
      verificationResult: 'PASSED',
      verifiedLevels: ['RELEASE_GATE_POLICY_PASSED'],
    });
    // every evidence file read, by its own sha256; every criterion's status
    const evidence = statement.predicate['https://github.com/release-gate/release-gate/evidence'] as Array<{ name: string; digest: { sha256: string } }>;
    expect(evidence.map((e) => e.name).sort()).toEqual(['coverage/lcov.info', 'test-results/junit.xml']);
    for (const e of evidence) expect(e.digest.sha256).toBe(await sha256(path.join(EXAMPLE, 'evidence', e.name)));
    const criteria = statement.predicate['https://github.com/release-gate/release-gate/criteria'] as { criteria: Array<{ id: string; status: string }> };
    expect(criteria.criteria.map((c) => [c.id, c.status])).toEqual([
      ['unit-tests', 'passed'],
      ['coverage', 'passed'],
      ['load-test', 'missing'],
    ]);
    const time = Date.parse(statement.predicate.timeVerified as string);
    expect(Math.abs(Date.now() - time)).toBeLessThan(60_000);
  });

  it('a failed gate attests FAILED, and the schemas tell a forged level or a missing field', async () => {
    const strict = path.join(dir, 'strict.yml');
    await writeFile(strict, (await readFile(path.join(EXAMPLE, 'release-gate.yml'), 'utf8')).replace('required: false', 'required: true'));
    const r = await runCli(['check', '--policy', strict, '--evidence', path.join(EXAMPLE, 'evidence'), '--attestation', path.join(dir, 'failed.json'), '--commit', COMMIT]);
    expect(r.code).toBe(1);
    const statement = JSON.parse(await readFile(path.join(dir, 'failed.json'), 'utf8'));
    expect(statement.predicate).toMatchObject({ verificationResult: 'FAILED', verifiedLevels: ['FAILED'] });
    expect(validateVsa(statement.predicate), errorsOf()).toBe(true);
    // the schemas are not a formality: each of these is refused
    expect(validateVsa({ ...statement.predicate, verifiedLevels: ['SLSA_BUILD_LEVEL_9'] })).toBe(false);
    expect(validateVsa({ ...statement.predicate, verificationResult: 'OK' })).toBe(false);
    expect(validateVsa({ ...statement.predicate, policy: { digest: statement.predicate.policy.digest } })).toBe(false);
    expect(validateVsa({ ...statement.predicate, extra: 1 })).toBe(false);
    expect(validateStatement({ ...statement, subject: [{ name: 'x' }] })).toBe(false);
    expect(validateStatement({ ...statement, subject: [{ name: 'x', digest: { sha256: 'not hex' } }] })).toBe(false);
    expect(validateStatement({ ...statement, _type: 'https://in-toto.io/Statement/v0.1' })).toBe(false);
  });

  it('--subject without --attestation, or a subject that is not there, is a usage error', async () => {
    const alone = await runCli(['check', '--policy', path.join(EXAMPLE, 'release-gate.yml'), '--evidence', path.join(EXAMPLE, 'evidence'), '--subject', 'x.tgz']);
    expect(alone.code).toBe(2);
    expect(alone.stderr).toContain('--subject names what --attestation OUT is about');
    const missing = await runCli(['check', '--policy', path.join(EXAMPLE, 'release-gate.yml'), '--evidence', path.join(EXAMPLE, 'evidence'), '--attestation', path.join(dir, 'm.json'), '--subject', path.join(dir, 'nope.tgz')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nope.tgz: no such file');
  });
});
