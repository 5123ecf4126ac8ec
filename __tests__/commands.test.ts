/**
 * The CLI commands in-process (coverage sees them; cli.test.ts runs the bundle as users do).
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { check, schema, validate } from '../src/commands.js';

let out: string;
let err: string;
beforeEach(() => {
  out = '';
  err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => ((out += c.toString()), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => ((err += c.toString()), true));
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe('commands', () => {
  it('check on the example passes and writes both reports', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'release-gate-cmd-'));
    const code = await check({ policy: 'examples/basic/release-gate.yml', evidence: 'examples/basic/evidence', json: path.join(dir, 'r.json'), markdown: path.join(dir, 'r.md') });
    expect(code).toBe(0);
    expect(out).toContain('PASS  score 83.33% (min 75%)');
    expect(JSON.parse(await readFile(path.join(dir, 'r.json'), 'utf8')).decision).toBe('pass');
    expect(await readFile(path.join(dir, 'r.md'), 'utf8')).toMatch(/^### ✅ release-gate: passed/);
  });

  it('check with a branch picks the profile; an unknown profile is a usage error with reports written', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'release-gate-cmd-'));
    const policy = path.join(dir, 'p.yml');
    await writeFile(policy, (await readFile('examples/basic/release-gate.yml', 'utf8')).replace('min-score: 75\n', 'min-score: 75\nprofiles:\n  production: { min-score: 90, branches: ["release/*"] }\n'));
    expect(await check({ policy, evidence: 'examples/basic/evidence', branch: 'release/1.0' })).toBe(1);
    expect(out).toContain(`profile production`);
    expect(out).toContain('FAIL  score 83.33% (min 90%)');
    const md = path.join(dir, 'bad.md');
    expect(await check({ policy, evidence: 'examples/basic/evidence', profile: 'qa', markdown: md })).toBe(2);
    expect(err).toContain('profile "qa" is not in');
    expect(await readFile(md, 'utf8')).toContain('### ❌ release-gate: failed — the policy could not be used');
  });

  it('check refuses a policy that is not UTF-8, too large or a directory', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'release-gate-cmd-'));
    const latin1 = path.join(dir, 'latin1.yml');
    await writeFile(latin1, Buffer.from([0x76, 0x65, 0x72, 0xe9, 0x0a]));
    expect(await check({ policy: latin1, evidence: dir })).toBe(2);
    expect(err).toContain(`${latin1}:1:1: policy file is not valid UTF-8`);
    const big = path.join(dir, 'big.yml');
    await writeFile(big, `# ${'x'.repeat(1024 ** 2)}\n`);
    expect(await check({ policy: big, evidence: dir })).toBe(2);
    expect(err).toMatch(/big\.yml:1:1: policy is 1(\.0)? MiB, over the 1 MiB cap \(LIMITS\.policyBytes\)/);
    expect(await check({ policy: dir, evidence: dir })).toBe(2);
    expect(err).toContain(`${dir}:1:1: not a file`);
  });

  it('check refuses an --evidence that is no directory (usage, 2) and writes reports shaped like a verdict', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'release-gate-cmd-'));
    const file = path.join(dir, 'f');
    await writeFile(file, 'x');
    const verdictJson = path.join(dir, 'verdict.json');
    expect(await check({ policy: 'examples/basic/release-gate.yml', evidence: 'examples/basic/evidence', json: verdictJson })).toBe(0);
    const verdictKeys = Object.keys(JSON.parse(await readFile(verdictJson, 'utf8')));
    for (const [evidence, problem] of [
      [file, `--evidence ${file} is not a directory`],
      [path.join(dir, 'none'), `--evidence ${path.join(dir, 'none')}: no such directory`],
    ]) {
      err = '';
      out = '';
      const json = path.join(dir, 'r.json');
      const md = path.join(dir, 'r.md');
      expect(await check({ policy: 'examples/basic/release-gate.yml', evidence: evidence!, json, markdown: md })).toBe(2);
      expect(out).toBe('');
      expect(err).toBe(`release-gate: ${problem} (${path.resolve(evidence!)}); pass the folder the artifacts were downloaded to, one sub-folder per artifact as actions/download-artifact lays them out\n`);
      const report = JSON.parse(await readFile(json, 'utf8'));
      expect(Object.keys(report)).toEqual(verdictKeys);
      expect(report).toMatchObject({ decision: 'fail', errors: [err.slice('release-gate: '.length, -1)], summary: err.slice('release-gate: '.length, -1), criteria: [] });
      expect(await readFile(md, 'utf8')).toContain('### ❌ release-gate: failed');
    }
  });

  it('validate and schema', async () => {
    expect(await validate('examples/basic/release-gate.yml')).toBe(0);
    expect(out).toBe('examples/basic/release-gate.yml: valid — 3 criteria, 0 profiles\n');
    const parsed = JSON.parse(schema());
    expect(parsed.title).toBe('release-gate policy v1');
    expect(parsed.properties.criteria.items.required).toEqual(['id', 'evidence', 'expect']);
  });
});
