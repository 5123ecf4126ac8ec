import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CLI } from './cli.js';
import { ROOT } from './evidence.js';

const PRELOAD = path.join(ROOT, '__tests__/helpers/peak-rss.mjs');

export interface BoundedRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** wall time of the child, in ms */
  ms: number;
  /** the child's peak resident set size, in bytes */
  peakRss: number;
  /** true when the child was killed at the time limit */
  timedOut: boolean;
}

/**
 * Runs the built CLI (`node dist/cli.js …`) in a child and measures its wall time and peak RSS,
 * killing it at `timeoutMs`. For bounds tests on hostile shapes: a test asserts that the CLI ended
 * on its own, wrote its report, and stayed under a memory and time bound that holds on a loaded
 * 2-core machine (bounds, not benchmarks).
 */
export async function runCliBounded(args: string[], options: { timeoutMs: number; cwd?: string }): Promise<BoundedRun> {
  const dir = await mkdtemp(path.join(tmpdir(), 'rg-rss-'));
  const rssFile = path.join(dir, 'peak-rss');
  try {
    const started = performance.now();
    const child = spawn(process.execPath, ['--import', PRELOAD, CLI, ...args], {
      cwd: options.cwd ?? ROOT,
      env: { ...process.env, NO_COLOR: '1', RELEASE_GATE_PEAK_RSS_FILE: rssFile },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs);
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    clearTimeout(timer);
    const ms = performance.now() - started;
    const peakRss = Number(await readFile(rssFile, 'utf8').catch(() => 'NaN'));
    return { code, stdout, stderr, ms, peakRss, timedOut };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export const MB = 1024 * 1024;
