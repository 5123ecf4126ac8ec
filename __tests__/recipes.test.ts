/**
 * The recipes in docs/recipes.md (and the README's short one), run as written: the commands are
 * read from the Markdown, run on the projects in __tests__/fixtures/recipes, and the recipes'
 * policies judge what they produce with the built CLI (`npm run build` first).
 */
import { execFile, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runCli } from './helpers/cli.js';
import { FIXTURES, ROOT } from './helpers/evidence.js';

const run = promisify(execFile);
const RECIPES = readFileSync(path.join(ROOT, 'docs/recipes.md'), 'utf8');
const README = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const PROJECTS = path.join(FIXTURES, 'recipes');

/** The text of a `## heading` section, up to the next one. */
function section(markdown: string, heading: string): string {
  const start = markdown.indexOf(`\n## ${heading}\n`);
  expect(start, `section "${heading}"`).toBeGreaterThan(-1);
  const end = markdown.indexOf('\n## ', start + 1);
  return markdown.slice(start, end === -1 ? undefined : end);
}

function yamlBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```yaml\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
}

/** Runs a shell command line as a workflow step does (`shell: bash`: -e -o pipefail). */
async function step(command: string, cwd: string, env: NodeJS.ProcessEnv = {}) {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST') && k !== 'NODE_OPTIONS' && k !== 'RELEASE_GATE_EVIDENCE_DIR'));
  return run('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', command], { cwd, env: { ...clean, NO_COLOR: '1', ...env } }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );
}

async function tempCopy(project: string): Promise<string> {
  const dir = path.join(await mkdtemp(path.join(tmpdir(), 'release-gate-recipe-')), project);
  await cp(path.join(PROJECTS, project), dir, { recursive: true });
  return dir;
}

/** Lays files out as actions/download-artifact does: evidence/<artifact>/<file>. */
async function artifacts(root: string, layout: Record<string, string[]>): Promise<string> {
  const evidence = path.join(root, 'evidence');
  for (const [name, files] of Object.entries(layout)) {
    await mkdir(path.join(evidence, name), { recursive: true });
    for (const file of files) await cp(file, path.join(evidence, name, path.basename(file)));
  }
  return evidence;
}

async function gate(dir: string, policy: string, evidence: string) {
  const file = path.join(dir, 'release-gate.yml');
  await writeFile(file, policy);
  const json = path.join(dir, 'report.json');
  const r = await runCli(['check', '--policy', file, '--evidence', evidence, '--json', json]);
  expect(r.stderr).toBe('');
  const report = JSON.parse(await readFile(json, 'utf8')) as { criteria: { id: string; status: string; reason: string; metrics: Record<string, number> }[] };
  return Object.fromEntries(report.criteria.map((c) => [c.id, c]));
}

describe('the Vitest recipe', () => {
  const final = section(RECIPES, 'The gate as the final job of CI');
  const [workflow, policy] = yamlBlocks(final);
  const recipeCommand = (parse(workflow!) as { jobs: { test: { steps: { run?: string }[] } } }).jobs.test.steps.map((s) => s.run).find((r) => r?.includes('vitest'))!;
  const readmeCommand = /- run: npm ci && (npx vitest run .*)$/m.exec(README)?.[1];

  it.each([
    ['docs/recipes.md', recipeCommand],
    ['README.md', readmeCommand],
  ])('%s: writes junit.xml and coverage/lcov.info although a test fails, and the gate reads both', async (_doc, command) => {
    expect(command).toMatch(/^npx vitest run /);
    const dir = await tempCopy('vitest-project');
    await symlink(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
    const r = await step(command!, dir, { PATH: `${path.join(ROOT, 'node_modules/.bin')}${path.delimiter}${process.env.PATH}` });
    expect(r.code, r.stderr).toBe(1); // the failing test fails the step
    const lcov = await readFile(path.join(dir, 'coverage/lcov.info'), 'utf8');
    expect(lcov).toContain('SF:src/math.js');
    if (command!.includes('--coverage.include')) expect(lcov).toContain('SF:src/untested.js');

    const evidence = await artifacts(dir, { 'test-results-node24': [path.join(dir, 'results/junit.xml')], coverage: [path.join(dir, 'coverage/lcov.info')] });
    const criteria = await gate(dir, policy!, evidence);
    expect(criteria['unit-tests']).toMatchObject({ status: 'failed', metrics: { tests: 3, failed: 1 } });
    expect(criteria.coverage!.status).not.toBe('missing');
    expect(criteria.coverage!.metrics.lines).toBeGreaterThan(0);
  }, 60_000);
});

describe('the pytest and coverage.py recipe', () => {
  const python = section(RECIPES, 'Python: pytest and coverage.py');
  const [workflow, policy, logCriterion] = yamlBlocks(python);
  const steps = (parse(workflow!) as { test: { steps: { run?: string; shell?: string }[] } }).test.steps;
  const logPolicy = `version: 1\ncriteria:\n${logCriterion}`;
  const LOGS = path.join(PROJECTS, 'pytest-logs');

  /** pytest's own counts for the run, from the JUnit file it wrote at the same time. */
  const junitCounts = (file: string) => {
    const root = /<testsuite [^>]*>/.exec(readFileSync(file, 'utf8'))![0];
    return { failures: Number(/failures="(\d+)"/.exec(root)![1]), errors: Number(/errors="(\d+)"/.exec(root)![1]) };
  };

  it.each(['pytest-9-v-failed', 'pytest-7-v-failed'])('the log criterion counts each failure and error once in real pytest -v output (%s)', async (name) => {
    const dir = await mkdtemp(path.join(tmpdir(), 'release-gate-recipe-'));
    const log = path.join(dir, 'pytest.log');
    await cp(path.join(LOGS, `${name}.log`), log);
    const criteria = await gate(dir, logPolicy, await artifacts(dir, { 'test-results': [log] }));
    const oracle = junitCounts(path.join(LOGS, `${name}.junit.xml`));
    expect(oracle).toEqual({ failures: 1, errors: 1 });
    expect(criteria['pytest-log']).toMatchObject({ status: 'failed', metrics: { failed: oracle.failures, errors: oracle.errors, passed: 5 } });
    // what the recipe warns about: the unanchored word counts the one failure twice
    const naive = await gate(dir, `version: 1\ncriteria:\n  - id: naive\n    evidence: { artifact: test-results, path: pytest.log, format: text }\n    metrics: { failed: { count: "FAILED" } }\n    expect: { failed: "== 0" }\n`, path.join(dir, 'evidence'));
    expect(naive.naive!.metrics.failed).toBe(2 * oracle.failures);
  });

  it('a passing run passes; a coloured or -q log is no evidence, never a pass on zero failures', async () => {
    const verdict = async (name: string) => {
      const dir = await mkdtemp(path.join(tmpdir(), 'release-gate-recipe-'));
      const log = path.join(dir, 'pytest.log');
      await cp(path.join(LOGS, `${name}.log`), log);
      return (await gate(dir, logPolicy, await artifacts(dir, { 'test-results': [log] })))['pytest-log']!;
    };
    const passed = await verdict('pytest-9-v-passed');
    expect(junitCounts(path.join(LOGS, 'pytest-9-v-passed.junit.xml'))).toEqual({ failures: 0, errors: 0 });
    expect(passed).toMatchObject({ status: 'failed', metrics: { failed: 0, errors: 0, passed: 5 } }); // the recipe asks for >= 100
    expect(passed.reason).toBe('passed = 5, expected >= 100');
    for (const name of ['pytest-9-v-color-failed', 'pytest-9-q-failed']) {
      const r = await verdict(name);
      expect(r.status).toBe('missing');
      expect(r.reason).toContain('passed: no line matches');
    }
  });

  // the commands as written need Python with pytest and coverage.py (CI installs them; here: maybe)
  // by its absolute path: a `python3` on PATH may be another interpreter in the step's folder (pyenv)
  const pythonWithBoth = ['python3', '/usr/bin/python3']
    .map((py) => {
      try {
        // from a neutral folder: here, the coverage/ report folder would pass for the coverage module
        return execFileSync(py, ['-c', 'import pytest, coverage, sys; print(sys.executable)'], { cwd: tmpdir(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
      } catch {
        return undefined;
      }
    })
    .find((py) => py !== undefined && py !== '');
  it.skipIf(pythonWithBoth === undefined)('the workflow steps, as written, give the gate JUnit, Cobertura and the log of a failing run', async () => {
    const dir = await tempCopy('pytest-project');
    const testStep = steps.find((s) => s.run?.includes('-m pytest'))!;
    const coverageStep = steps.find((s) => s.run?.startsWith('coverage xml'))!;
    expect(testStep.shell).toBe('bash');
    // `coverage` and `pytest` as the interpreter that has them
    const asWritten = (command: string) => command.replace(/^coverage /, `${pythonWithBoth} -m coverage `).replace(/&& coverage /, `&& ${pythonWithBoth} -m coverage `);
    const test = await step(asWritten(testStep.run!), dir);
    expect(test.code).toBe(1); // pytest's exit status survives the tee
    const xml = await step(asWritten(coverageStep.run!), dir);
    expect(xml.code, `${asWritten(coverageStep.run!)}\n${xml.stderr}${xml.stdout}`).toBe(0);
    const coverageXml = await readFile(path.join(dir, 'coverage/coverage.xml'), 'utf8');
    expect(coverageXml).toContain('filename="src/shop/unused.py"'); // --source=src: untested files count

    const evidence = await artifacts(dir, { 'test-results': [path.join(dir, 'results/junit.xml'), path.join(dir, 'results/pytest.log')], coverage: [path.join(dir, 'coverage/coverage.xml')] });
    const criteria = await gate(dir, `${policy}${logCriterion}`, evidence);
    expect(criteria['unit-tests']).toMatchObject({ status: 'failed', metrics: { tests: 7, failures: 1, errors: 1, failed: 2 } });
    expect(criteria.coverage).toMatchObject({ status: 'failed' });
    expect(criteria.coverage!.metrics.branches).toBeDefined();
    expect(criteria['pytest-log']).toMatchObject({ status: 'failed', metrics: { failed: 1, errors: 1, passed: 5 } });
  }, 60_000);
});
