/**
 * Runs the built action (dist/index.js) as the Actions runner does: a child process with INPUT_*,
 * GITHUB_* and the artifact service variables, pointed at a local fake GitHub.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FakeGitHub } from '../github/fake-github.js';
import { ROOT } from '../helpers/evidence.js';

export const TOKEN = 'ghs_0123456789abcdefTESTTOKENxyz';

/** Where the action looks for the policy by default. */
export const POLICY_PATH = '.github/release-gate.yml';
/** The bundled example: a policy that passes on its evidence (with one optional criterion missing). */
export const BASIC_POLICY = readFileSync(path.join(ROOT, 'examples/basic/release-gate.yml'), 'utf8');
export const JUNIT = readFileSync(path.join(ROOT, 'examples/basic/evidence/test-results/junit.xml'), 'utf8');
export const LCOV = readFileSync(path.join(ROOT, 'examples/basic/evidence/coverage/lcov.info'), 'utf8');
/**
 * A protected branch's policy: the basic one plus a production profile (main, release/*) that
 * requires a soak test. The basic evidence has no soak: under production it fails, without a
 * profile it passes.
 */
export const PRODUCTION_POLICY = `${BASIC_POLICY.replace('min-score: 75\n', 'min-score: 75\nprofiles:\n  production: { min-score: 80, branches: [main, "release/*"] }\n')}
  - id: soak
    title: Two-hour soak, no leaks
    profiles: [production]
    evidence: { artifact: soak, path: summary.json, format: json }
    metrics: { hours: { path: "$.hours", unit: h } }
    expect: { hours: ">= 2h" }
`;
/** The copy a change carries to loosen its own gate: no profile, no soak, a lower bar. */
export const LOOSENED_POLICY = BASIC_POLICY.replace('min-score: 75', 'min-score: 50');

export interface ActionRun {
  code: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  /** every line the step printed, for "the token never appears" checks */
  all: string;
}

export interface ActionOptions {
  runId: number;
  inputs?: Record<string, string>;
  /** files in the checked-out workspace */
  workspace?: Record<string, string>;
  /** overrides of the event (name and payload) the fake derives from the run */
  eventName?: string;
  payload?: Record<string, unknown>;
  env?: Record<string, string>;
}

export async function runAction(fake: FakeGitHub, options: ActionOptions): Promise<ActionRun> {
  const dir = await mkdtemp(path.join(tmpdir(), 'release-gate-action-'));
  const workspace = path.join(dir, 'workspace');
  const temp = path.join(dir, 'runner-temp');
  await mkdir(workspace, { recursive: true });
  await mkdir(temp, { recursive: true });
  for (const [file, content] of Object.entries(options.workspace ?? {})) {
    await mkdir(path.dirname(path.join(workspace, file)), { recursive: true });
    await writeFile(path.join(workspace, file), content);
  }
  const files = { event: path.join(dir, 'event.json'), output: path.join(dir, 'output'), summary: path.join(dir, 'summary.md') };
  await writeFile(files.event, JSON.stringify(options.payload ?? fake.eventPayload(options.runId)));
  await writeFile(files.output, '');
  await writeFile(files.summary, '');
  const inputs: Record<string, string> = { token: TOKEN, ...options.inputs };
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    ...fake.env({ runId: options.runId, token: TOKEN }),
    GITHUB_EVENT_PATH: files.event,
    GITHUB_WORKSPACE: workspace,
    RUNNER_TEMP: temp,
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    ...(options.eventName && { GITHUB_EVENT_NAME: options.eventName }),
    ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])),
    ...options.env,
  };
  const child = spawn(process.execPath, [path.join(ROOT, 'dist/index.js')], { cwd: workspace, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? -1)));
  const summary = await readFile(files.summary, 'utf8');
  const outputs = parseOutputs(await readFile(files.output, 'utf8'));
  // `::add-mask::` is how the token is masked: the runner consumes that line and never shows it
  const shown = stdout.split('\n').filter((l) => !l.startsWith('::add-mask::')).join('\n');
  return { code, stdout, stderr, outputs, summary, all: `${shown}\n${stderr}\n${summary}\n${JSON.stringify(outputs)}` };
}

/** GITHUB_OUTPUT is `name<<DELIMITER\nvalue\nDELIMITER` blocks. */
function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^<]+)<<(.+)$/.exec(lines[i]!);
    if (!m) continue;
    const value: string[] = [];
    for (i++; i < lines.length && lines[i] !== m[2]; i++) value.push(lines[i]!);
    outputs[m[1]!] = value.join('\n');
  }
  return outputs;
}

/** `::warning::…` lines the toolkit printed. */
export function warnings(run: ActionRun): string[] {
  return run.stdout.split('\n').filter((l) => l.startsWith('::warning')).map((l) => l.replace(/^::warning[^:]*::/, ''));
}
