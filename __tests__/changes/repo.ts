/**
 * Real git repositories made in a temp dir for the patch-coverage tests, the built CLI run in
 * them, and an oracle of what a diff changed read straight from git's own hunk headers.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli, type CliResult } from '../helpers/cli.js';

const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 't',
  GIT_AUTHOR_EMAIL: 't@example.com',
  GIT_COMMITTER_NAME: 't',
  GIT_COMMITTER_EMAIL: 't@example.com',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
};

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', env: GIT_ENV, stdio: ['ignore', 'pipe', 'pipe'] });
}

export function tempDir(prefix: string): string {
  return mkdtempSync(path.join(tmpdir(), `release-gate-${prefix}-`));
}

/** Files to write (text or bytes) or delete (null), by repository path. */
export type Tree = Record<string, string | Uint8Array | null>;

export function write(dir: string, tree: Tree): void {
  for (const [p, content] of Object.entries(tree)) {
    const file = path.join(dir, p);
    if (content === null) {
      rmSync(file);
      continue;
    }
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
}

/** A repository with `tree` committed as the base on main, checked out on a new branch `change`. */
export function initRepo(tree: Tree, prefix = 'repo'): string {
  const dir = tempDir(prefix);
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'config', 'core.autocrlf', 'false');
  write(dir, tree);
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'base');
  git(dir, 'checkout', '-q', '-b', 'change');
  return dir;
}

export function commit(dir: string, tree: Tree, message: string): string {
  write(dir, tree);
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', message);
  return git(dir, 'rev-parse', 'HEAD').trim();
}

/**
 * The oracle of what changed: the new-side lines of `git diff -U0 <merge base of base and HEAD>`
 * read from the hunk headers alone (`@@ -a,b +c,d @@`: lines c … c+d-1), the way diff-cover reads
 * git's output — not through src/changes/diff.ts.
 */
export function gitChangedLines(dir: string, base = 'main'): Map<string, number[]> {
  const from = git(dir, 'merge-base', base, 'HEAD').trim();
  const text = git(dir, '-c', 'core.quotePath=false', 'diff', '--no-color', '-M', '-U0', from);
  const out = new Map<string, number[]>();
  let file: number[] | undefined;
  for (const line of text.split('\n')) {
    // git ends a name with spaces with a tab
    const plus = /^\+\+\+ (?:b\/(.*?)\t?|\/dev\/null)$/.exec(line);
    if (plus) {
      file = plus[1] === undefined ? undefined : [];
      if (plus[1] !== undefined) out.set(plus[1], file!);
      continue;
    }
    const hunk = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/.exec(line);
    if (hunk && file) {
      const start = Number(hunk[1]);
      const count = hunk[2] === undefined ? 1 : Number(hunk[2]);
      for (let l = start; l < start + count; l++) file.push(l);
    }
  }
  return out;
}

export interface GateRun extends CliResult {
  json: JsonReport;
  markdown: string;
}

export interface JsonCriterion {
  id: string;
  status: string;
  reason: string;
  required: boolean;
  metrics: Record<string, number>;
}

export interface JsonReport {
  decision: string;
  score: number;
  summary: string;
  counts: Record<string, number>;
  criteria: JsonCriterion[];
}

/**
 * Runs the built CLI's `check` in `cwd` (the repository) on a policy and evidence kept outside
 * it (so the reports written do not become part of the working tree the diff reads).
 */
export async function gate(cwd: string, policy: string, evidence: Record<string, string | Uint8Array>, extra: string[]): Promise<GateRun> {
  const outside = tempDir('gate');
  write(outside, { 'policy.yml': policy });
  for (const [p, content] of Object.entries(evidence)) write(path.join(outside, 'ev'), { [p]: content });
  mkdirSync(path.join(outside, 'ev'), { recursive: true });
  const json = path.join(outside, 'out.json');
  const md = path.join(outside, 'out.md');
  const result = await runCli(['check', '--policy', path.join(outside, 'policy.yml'), '--evidence', path.join(outside, 'ev'), ...extra, '--json', json, '--markdown', md], cwd);
  let report: JsonReport;
  try {
    report = JSON.parse(readFileSync(json, 'utf8')) as JsonReport;
  } catch {
    throw new Error(`no JSON report (exit ${result.code}): ${result.stderr}${result.stdout}`);
  }
  return { ...result, json: report, markdown: readFileSync(md, 'utf8') };
}

export function criterion(run: GateRun, id: string): JsonCriterion {
  const c = run.json.criteria.find((x) => x.id === id);
  if (!c) throw new Error(`no criterion ${id} in ${JSON.stringify(run.json.criteria.map((x) => x.id))}`);
  return c;
}

/** The base version of a file: the given lines (1-based) replaced, so that the head's are changed. */
export function alterLines(text: string, lines: Iterable<number>): string {
  const rows = text.split('\n');
  for (const n of lines) rows[n - 1] = `${rows[n - 1]} /* before ${n} */`;
  return rows.join('\n');
}
