/**
 * The built bundle, run as users run it: `node dist/cli.js …` in a child process.
 * `npm run build` must have run (CI's dist check does; the bundle is committed).
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, mkdir, readFile, writeFile, cp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLI, runCli } from './helpers/cli.js';
import { ROOT } from './helpers/evidence.js';
import { commandsIn } from './helpers/workflow-commands.js';

const cli = runCli;

let work: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'release-gate-cli-'));
});

describe('release-gate check on the bundled example (the README command)', () => {
  it('passes, prints every criterion, and writes JSON and Markdown reports', async () => {
    const json = path.join(work, 'basic/report.json');
    const markdown = path.join(work, 'basic/report.md');
    const r = await cli(['check', '--policy', 'examples/basic/release-gate.yml', '--evidence', 'examples/basic/evidence', '--json', json, '--markdown', markdown]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('release-gate · policy examples/basic/release-gate.yml');
    expect(lines[1]).toBe('PASS  score 83.33% (min 75%) — all required criteria passed and score 83.33% reaches 75%');
    expect(r.stdout).toContain('  MISSING  load-test   Checkout p95 under 300 ms (optional)\n             no evidence: no artifact matches "k6-*" (artifacts: "coverage", "test-results")');
    expect(r.stdout).toContain('  passed   unit-tests  Unit tests pass (required, weight 3)\n             failed = 0, tests = 12');
    expect(r.stdout).toContain('  passed   coverage    Line and branch coverage (required, weight 2)\n             lines = 100%, branches = 89.47%');
    expect(lines.at(-2)).toBe('criteria: 2 of 3 passed · 0 failed · 1 without evidence');

    const report = JSON.parse(await readFile(json, 'utf8'));
    expect(report).toMatchObject({ version: 1, decision: 'pass', score: 83.33, profile: null, minScore: 75 });
    expect(report.criteria.map((c: { id: string; status: string }) => [c.id, c.status])).toEqual([
      ['unit-tests', 'passed'],
      ['coverage', 'passed'],
      ['load-test', 'missing'],
    ]);
    const junit = path.join(ROOT, 'examples/basic/evidence/test-results/junit.xml');
    const bytes = await readFile(junit);
    expect(report.criteria[0].evidence).toEqual([
      {
        artifact: 'test-results',
        path: 'junit.xml',
        bytes: bytes.length,
        sha256: createHash('sha256').update(bytes).digest('hex'),
        modified: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      },
    ]);
    expect(report.criteria[0].checks).toEqual([
      { metric: 'failed', op: '==', expected: 0, actual: 0, unit: null, ok: true, base: null, relative: false },
      { metric: 'tests', op: '>=', expected: 10, actual: 12, unit: null, ok: true, base: null, relative: false },
    ]);
    const md = await readFile(markdown, 'utf8');
    expect(md.split('\n')[0]).toBe('### ✅ release-gate: passed · score 83.33% (needs 75%)');
    expect(md).toContain('#### ⚠️ No evidence');
    expect(md).toContain('<details><summary>✅ 2 passed</summary>');
  });
});

describe('release-gate check verdicts', () => {
  async function evidenceDir(name: string, files: Record<string, string>): Promise<string> {
    const dir = path.join(work, name);
    for (const [file, content] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
      await writeFile(path.join(dir, file), content);
    }
    return dir;
  }

  const policy = `version: 1
criteria:
  - id: tests
    evidence: { artifact: "results-*", path: "**/*.xml", format: junit }
    expect: { failed: "== 0", tests: ">= 2" }
`;

  it('exits 1 when a required criterion fails, and says which', async () => {
    const dir = await evidenceDir('failing', {
      'release-gate.yml': policy,
      'ev/results-linux/junit.xml': '<testsuite><testcase name="a"/><testcase name="b"><failure message="boom"/></testcase></testsuite>',
      'ev/results-mac/junit.xml': '<testsuites><testsuite><testcase name="c"/></testsuite></testsuites>',
    });
    const r = await cli(['check', '--policy', path.join(dir, 'release-gate.yml'), '--evidence', path.join(dir, 'ev')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^FAIL {2}score 0% — .*required criteria not passed — failed: tests$/m);
    expect(r.stdout).toContain('  FAILED   tests  (required)\n             failed = 1, expected == 0\n             evidence: results-linux/junit.xml, results-mac/junit.xml');
  });

  it('unreadable evidence is missing, with file and position, and fails the gate', async () => {
    const dir = await evidenceDir('hostile', {
      'release-gate.yml': policy,
      'ev/results-1/junit.xml': '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>\n<testsuite><testcase name="&lol2;"/></testsuite>',
    });
    const r = await cli(['check', '--policy', path.join(dir, 'release-gate.yml'), '--evidence', path.join(dir, 'ev')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/ {2}MISSING {2}tests {2}\(required\)\n {13}no evidence: results-1\/junit\.xml:2:16: unreadable as junit: DOCTYPE with an internal subset refused: its declarations are never read, so every entity it declares is an undefined entity \(nothing is expanded or fetched\)\n/);
  });

  it('--evidence naming no directory is a usage error (2) that says so, not a row of "no evidence"', async () => {
    const dir = await evidenceDir('nodir', { 'release-gate.yml': policy, 'a-file': 'x' });
    for (const [evidence, problem] of [
      [path.join(dir, 'nope'), 'no such directory'],
      [path.join(dir, 'a-file'), 'is not a directory'],
    ] as const) {
      const json = path.join(dir, 'out/report.json');
      const r = await cli(['check', '--policy', path.join(dir, 'release-gate.yml'), '--evidence', evidence, '--json', json]);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(new RegExp(`^release-gate: --evidence ${evidence.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:? ${problem} \\(.*\\); pass the folder the artifacts were downloaded to, one sub-folder per artifact as actions/download-artifact lays them out\n$`));
      expect(r.stderr).not.toContain('MISSING');
      const report = JSON.parse(await readFile(json, 'utf8'));
      expect(report).toMatchObject({ decision: 'fail', criteria: [], errors: [expect.stringContaining(problem)] });
    }
    // an existing but empty folder is evidence that nothing was produced: the gate fails (1)
    await mkdir(path.join(dir, 'empty'));
    const empty = await cli(['check', '--policy', path.join(dir, 'release-gate.yml'), '--evidence', path.join(dir, 'empty')]);
    expect(empty.code).toBe(1);
    expect(empty.stdout).toContain('MISSING  tests');
  });

  it('a policy error exits 2 with FILE:LINE:COL and still writes a failing JSON report', async () => {
    const dir = await evidenceDir('badpolicy', { 'gate.yml': policy.replace('failed:', 'failde:') });
    const json = path.join(dir, 'out/report.json');
    const r = await cli(['check', '--policy', path.join(dir, 'gate.yml'), '--evidence', dir, '--json', json]);
    expect(r.code).toBe(2);
    const error = `${path.join(dir, 'gate.yml')}:5:23: criteria[0].expect.failde: junit evidence has no metric "failde" (did you mean "failed"?); it has: files, tests, passed, failed, failures, errors, skipped, flaky, duration, failed.new, failed.fixed`;
    expect(r.stderr.split('\n')[0]).toBe(error);
    expect(JSON.parse(await readFile(json, 'utf8'))).toEqual({
      version: 1,
      policy: null,
      decision: 'fail',
      score: 0,
      minScore: null,
      profile: null,
      summary: 'the policy has 1 error; the gate fails until it is fixed',
      errors: [error],
      counts: { passed: 0, failed: 0, missing: 0, 'not-applicable': 0, waived: 0 },
      criteria: [],
      notEvaluated: [],
      waivers: [],
      baseline: null,
      digest: null,
    });
  });

  it('every JSON report has the top-level keys of a verdict, with the same types, whatever stopped the verdict', async () => {
    const dir = await evidenceDir('shapes', { 'good.yml': policy, 'bad.yml': policy.replace('failed:', 'failde:'), 'ev/results-1/junit.xml': '<testsuite><testcase name="a"/><testcase name="b"/></testsuite>' });
    const report = async (name: string, args: string[]) => {
      const json = path.join(dir, `${name}.json`);
      const r = await cli(['check', ...args, '--json', json]);
      return { code: r.code, report: JSON.parse(await readFile(json, 'utf8')) as Record<string, unknown> };
    };
    const verdict = await report('verdict', ['--policy', path.join(dir, 'good.yml'), '--evidence', path.join(dir, 'ev')]);
    expect(verdict.code).toBe(0);
    expect(verdict.report.errors).toEqual([]);
    const shape = (o: Record<string, unknown>) => Object.entries(o).map(([k, v]) => [k, v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v]);
    const nullable = new Set(['policy', 'minScore', 'profile', 'baseline', 'digest']);
    const others = [
      await report('policy-error', ['--policy', path.join(dir, 'bad.yml'), '--evidence', path.join(dir, 'ev')]),
      await report('no-policy', ['--policy', path.join(dir, 'nope.yml'), '--evidence', path.join(dir, 'ev')]),
      await report('no-evidence-dir', ['--policy', path.join(dir, 'good.yml'), '--evidence', path.join(dir, 'nope')]),
      await report('unknown-profile', ['--policy', path.join(dir, 'good.yml'), '--evidence', path.join(dir, 'ev'), '--profile', 'prod']),
    ];
    for (const other of others) {
      expect(other.code).toBe(2);
      expect(Object.keys(other.report)).toEqual(Object.keys(verdict.report));
      const types = shape(other.report).map(([k, t]) => [k, nullable.has(k!) ? 'nullable' : t]);
      expect(types).toEqual(shape(verdict.report).map(([k, t]) => [k, nullable.has(k!) ? 'nullable' : t]));
      expect(other.report).toMatchObject({ decision: 'fail', score: 0, criteria: [], errors: [expect.any(String)] });
      expect(other.report.summary).not.toBe('');
    }
  });

  it('an unknown profile is a usage error', async () => {
    const r = await cli(['check', '--policy', 'examples/basic/release-gate.yml', '--evidence', 'examples/basic/evidence', '--profile', 'prod']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('release-gate: profile "prod" is not in examples/basic/release-gate.yml (it declares no profiles)\n');
  });

  it('usage errors exit 2', async () => {
    expect((await cli(['check', '--policy', 'x.yml'])).code).toBe(2);
    expect(await cli(['check', '--bogus'])).toEqual({
      code: 2,
      stdout: '',
      stderr: 'release-gate: unknown option --bogus for check; check takes --policy, --evidence, --profile, --branch, --baseline, --commit, --diff-base, --diff, --json, --markdown, --attestation, --subject\nRun "release-gate check --help" for the usage.\n',
    });
    expect(await cli(['frobnicate'])).toEqual({
      code: 2,
      stdout: '',
      stderr: 'release-gate: unknown command "frobnicate"; commands: check, validate, schema\nRun "release-gate --help" for the usage.\n',
    });
    const forgotten = await cli(['--policy', 'p.yml', '--evidence', 'ev']);
    expect(forgotten.code).toBe(2);
    expect(forgotten.stderr.split('\n')[0]).toBe('release-gate: --policy is an option of a command; did you mean "release-gate check --policy …"?');
    expect((await cli(['check', '--policy', 'p.yml', '--evidence', 'ev', 'stray'])).stderr.split('\n')[0]).toBe('release-gate: check takes only options; unexpected "stray" (quote a path with spaces)');
    expect((await cli(['schema', '--json', 'x'])).stderr.split('\n')[0]).toBe('release-gate: unknown option --json for schema; schema takes no options');
  });
});

describe('typos: "did you mean" for commands and options', () => {
  /** One slip of the keyboard: a letter dropped, doubled, replaced, or two neighbours swapped. */
  const typo = (word: string) =>
    fc
      .record({ at: fc.nat({ max: word.length - 1 }), kind: fc.constantFrom('drop', 'double', 'replace', 'swap'), letter: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz') })
      .map(({ at, kind, letter }) => {
        if (kind === 'drop') return word.slice(0, at) + word.slice(at + 1);
        if (kind === 'double') return word.slice(0, at + 1) + word.slice(at);
        if (kind === 'replace') return word.slice(0, at) + letter + word.slice(at + 1);
        const i = Math.min(at, word.length - 2);
        return word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2);
      })
      .filter((t) => t !== word);

  const COMMANDS = ['check', 'validate', 'schema'];
  const CHECK_OPTIONS = ['policy', 'evidence', 'profile', 'branch', 'json', 'markdown'];

  it('a mistyped command names the command meant, and exits 2', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...COMMANDS).chain((c) => fc.tuple(fc.constant(c), typo(c))),
        async ([command, mistyped]) => {
          fc.pre(!COMMANDS.includes(mistyped) && mistyped !== 'help');
          const r = await cli([mistyped, '--policy', 'p.yml']);
          expect(r.code).toBe(2);
          expect(r.stderr.split('\n')[0]).toBe(`release-gate: unknown command "${mistyped}" (did you mean "${command}"?); commands: check, validate, schema`);
        },
      ),
      { numRuns: 8 },
    );
  });

  it('a mistyped option of check names the option meant, in both --name VALUE and --name=VALUE forms', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...CHECK_OPTIONS).chain((o) => fc.tuple(fc.constant(o), typo(o), fc.boolean())),
        async ([option, mistyped, inline]) => {
          fc.pre(!CHECK_OPTIONS.includes(mistyped) && mistyped !== 'help' && /^[a-z]/.test(mistyped));
          const args = inline ? [`--${mistyped}=x`] : [`--${mistyped}`, 'x'];
          const r = await cli(['check', '--policy', 'p.yml', ...args, '--evidence', 'ev']);
          expect(r.code).toBe(2);
          expect(r.stderr).toBe(
            `release-gate: unknown option --${mistyped} for check (did you mean "--${option}"?); check takes --policy, --evidence, --profile, --branch, --baseline, --commit, --diff-base, --diff, --json, --markdown, --attestation, --subject\nRun "release-gate check --help" for the usage.\n`,
          );
        },
      ),
      { numRuns: 10 },
    );
  });

  it('help NAME of no command is a usage error with the suggestion too', async () => {
    expect(await cli(['help', 'valdiate'])).toEqual({
      code: 2,
      stdout: '',
      stderr: 'release-gate: unknown command "valdiate" (did you mean "validate"?); commands: check, validate, schema\nRun "release-gate --help" for the usage.\n',
    });
  });

  it('nothing is suggested for a word that resembles no command or option', async () => {
    expect((await cli(['deploy'])).stderr.split('\n')[0]).toBe('release-gate: unknown command "deploy"; commands: check, validate, schema');
    expect((await cli(['check', '--output', 'x'])).stderr.split('\n')[0]).toBe('release-gate: unknown option --output for check; check takes --policy, --evidence, --profile, --branch, --baseline, --commit, --diff-base, --diff, --json, --markdown, --attestation, --subject');
  });
});

describe('--help for each command', () => {
  it('check --help, check -h and help check print the check usage with every option, and exit 0', async () => {
    const outputs = await Promise.all([cli(['check', '--help']), cli(['check', '-h']), cli(['help', 'check']), cli(['check', '--policy', 'p.yml', '--help'])]);
    for (const r of outputs) {
      expect(r.code).toBe(0);
      expect(r.stderr).toBe('');
      expect(r.stdout).toBe(outputs[0]!.stdout);
    }
    const usage = outputs[0]!.stdout;
    expect(usage.split('\n')[0]).toBe('Usage: release-gate check --policy FILE --evidence DIR [--profile NAME] [--branch NAME]');
    // the options the usage describes are exactly those the parser accepts
    const described = [...usage.matchAll(/^ {2}(--[a-z-]+) [A-Z]+ /gm)].map((m) => m[1]);
    const accepted = /check takes (.*)$/m.exec((await cli(['check', '--nothing-like-it'])).stderr)![1]!.split(', ');
    expect(described).toEqual(accepted);
  });

  it('validate --help and schema --help describe their command; --help lists the commands', async () => {
    expect(await cli(['validate', '--help'])).toMatchObject({ code: 0, stderr: '', stdout: expect.stringMatching(/^Usage: release-gate validate FILE\n/) });
    expect(await cli(['schema', '-h'])).toMatchObject({ code: 0, stderr: '', stdout: expect.stringMatching(/^Usage: release-gate schema\n/) });
    const general = await cli(['--help']);
    expect(general.code).toBe(0);
    expect(general.stdout).toContain('"release-gate COMMAND --help" describes a command\'s options.');
  });
});

describe('Node.js older than package.json engines', () => {
  const run = promisify(execFile);
  const pkg = async () => JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string }; scripts: Record<string, string> };

  /** Runs `node [--import preload] FILE args` with process.versions.node reporting `version`. */
  async function asIfNode(version: string, file: string, args: string[]) {
    const preload = path.join(work, `node-${version}.mjs`);
    await writeFile(preload, `Object.defineProperty(process.versions, 'node', { value: ${JSON.stringify(version)} });\n`);
    try {
      const { stdout, stderr } = await run(process.execPath, ['--import', preload, file, ...args], { cwd: ROOT });
      return { code: 0, stdout, stderr };
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  }

  const need = async () => Number(/^>=(\d+)$/.exec((await pkg()).engines.node)![1]);
  /** The one line, anchored to a whole output (`alone`) or found within npm's own output. */
  const expectedLine = (needed: number, found: string, alone = true) => {
    const line = `release-gate needs Node\\.js ${needed} or newer \\(package\\.json engines: ">=${needed}"\\); found Node\\.js ${found.replace(/\./g, '\\.')} at \\S+\\. Install Node\\.js ${needed} \\(e\\.g\\. \`nvm install ${needed}\`\\) and run again\\.`;
    return new RegExp(alone ? `^${line}\\n$` : `^${line}$`, alone ? '' : 'm');
  };

  it('the CLI stops at once with one line naming the Node needed and the one found; the needed one runs', async () => {
    const needed = await need();
    for (const version of ['18.20.4', '20.20.2', `${needed - 1}.99.0`]) {
      for (const args of [['check', '--policy', 'examples/basic/release-gate.yml', '--evidence', 'examples/basic/evidence'], ['--version']]) {
        const r = await asIfNode(version, CLI, args);
        expect(r.code).toBe(2);
        expect(r.stdout).toBe('');
        expect(r.stderr).toMatch(expectedLine(needed, version));
      }
    }
    for (const version of [`${needed}.0.0`, `${needed + 1}.2.3`]) {
      expect((await asIfNode(version, CLI, ['--version'])).code).toBe(0);
    }
  });

  it('npm test runs scripts/check-node.cjs first, which says the same and ends the run before vitest starts', async () => {
    const needed = await need();
    expect((await pkg()).scripts.pretest).toBe('node scripts/check-node.cjs');
    const script = path.join(ROOT, 'scripts/check-node.cjs');
    for (const version of ['20.20.2', `${needed - 1}.0.0`]) {
      const r = await asIfNode(version, script, []);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(expectedLine(needed, version));
    }
    expect(await asIfNode(`${needed}.0.0`, script, [])).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  // an old Node of the machine itself, when it has one (here Debian's Node 20 at /usr/bin/node)
  const oldNode = [process.env.RELEASE_GATE_OLD_NODE, '/usr/bin/node', '/usr/local/bin/node'].find((f) => f !== undefined && existsSync(f) && f !== process.execPath);
  it.skipIf(oldNode === undefined)('on a real old Node, `npm test` and the CLI print that line instead of a crash', async () => {
    const { stdout: version } = await run(oldNode!, ['--version']);
    const needed = await need();
    if (Number(version.slice(1).split('.')[0]) >= needed) return; // not an old Node after all
    const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${path.dirname(oldNode!)}${path.delimiter}${process.env.PATH}` };
    delete env.RELEASE_GATE_EVIDENCE_DIR;
    // a filter no test file matches: if the check ever let vitest start, it would run nothing
    const npmTest = await run('npm', ['test', '--', '__tests__/matches-no-test-file'], { cwd: ROOT, env }).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => e,
    );
    expect(npmTest.code).not.toBe(0);
    expect(npmTest.stderr).toMatch(expectedLine(needed, version.trim().slice(1), false));
    expect(npmTest.stderr).not.toMatch(/groupBy|vitest/i);
    const cliRun = await run(oldNode!, [CLI, '--version']).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => e,
    );
    expect(cliRun.code).toBe(2);
    expect(cliRun.stderr).toMatch(expectedLine(needed, version.trim().slice(1)));
  });
});

describe('validate, schema, version', () => {
  it('validate passes a good policy and lists errors of a bad one', async () => {
    const ok = await cli(['validate', 'examples/basic/release-gate.yml']);
    expect(ok).toEqual({ code: 0, stdout: 'examples/basic/release-gate.yml: valid — 3 criteria, 0 profiles\n', stderr: '' });
    const file = path.join(work, 'bad.yml');
    await writeFile(file, 'version: 1\ncriteria:\n  - id: a\n    evidence: { path: a.xml, format: junit }\n    expect: { failed: "== 0" }\n    wieght: 2\n');
    const bad = await cli(['validate', file]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(`${file}:6:5: criteria[0]: unknown key "wieght" (did you mean "weight"?); allowed: id, title, group, required, weight, profiles, max-age, evidence, metrics, expect, paths, baseline\n`);
    const missing = await cli(['validate', path.join(work, 'nope.yml')]);
    expect(missing.stderr).toBe(`${path.join(work, 'nope.yml')}:1:1: policy file not found; pass --policy with the path of your release-gate.yml\n`);
  });

  it('schema prints the committed JSON Schema, which describes the policy', async () => {
    const r = await cli(['schema']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(await readFile(path.join(ROOT, 'schema/policy-v1.json'), 'utf8'));
    const schema = JSON.parse(r.stdout);
    expect(schema.required).toEqual(['version', 'criteria']);
    expect(schema.additionalProperties).toBe(false);
    expect(Object.keys(schema.properties.criteria.items.properties)).toEqual(['id', 'title', 'group', 'required', 'weight', 'profiles', 'max-age', 'evidence', 'metrics', 'expect', 'paths', 'baseline']);
  });

  it('--version prints the package version', async () => {
    const pkg = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8'));
    expect(await cli(['--version'])).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
  });

  it('runs from another working directory with relative paths resolved there', async () => {
    const dir = path.join(work, 'copy');
    await cp(path.join(ROOT, 'examples/basic'), dir, { recursive: true });
    const r = await cli(['check', '--policy', 'release-gate.yml', '--evidence', 'evidence'], dir);
    expect(r.code).toBe(0);
  });
});

describe('policy text in the job log', () => {
  it('a policy whose keys and values carry workflow commands cannot start one on stderr or stdout', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'rg-cli-inject-'));
    const policy = path.join(dir, 'policy.yml');
    // the key and the format name come back in the error messages ("unknown key", "did you mean")
    await writeFile(
      policy,
      [
        'version: 1',
        'criteria:',
        '  - id: unit',
        '    "x\\n::error title=release-gate::All criteria passed\\n##[warning]y": 1',
        '    evidence: { path: "*.xml", format: "junit\\n::add-mask::FAIL" }',
        '    expect: { failed: "== 0" }',
        '',
      ].join('\n'),
    );
    for (const args of [['validate', policy], ['check', '--policy', policy, '--evidence', dir]]) {
      const result = await runCli(args);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('All criteria passed'); // the text is shown …
      expect(commandsIn(result.stderr)).toEqual([]); // … but obeys nothing
      expect(commandsIn(result.stdout)).toEqual([]);
    }
  });
});
