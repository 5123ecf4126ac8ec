#!/usr/bin/env node
/**
 * Renders docs/images/pr-comment.png: what a pull request's readers see of release-gate.
 *
 * 1. Runs the real CLI (dist/cli.js, so `npm run build` first) in docs/screenshot/: the policy
 *    .github/release-gate.yml with passed, failed and missing criteria, and evidence/, small files
 *    written by real tools (vitest, lcov, k6, Valgrind, an ASan build).
 * 2. Converts its `--markdown` report to HTML with a GitHub-flavoured Markdown renderer (marked)
 *    and GitHub's own Markdown CSS (github-markdown-css, light theme), framed like a PR comment.
 * 3. Screenshots it in headless Chromium: a first pass measures the page's height, the second
 *    takes the picture at exactly that height.
 *
 * Needs Chromium (Debian: `apt-get install -y chromium fonts-noto-color-emoji`); set CHROMIUM to use
 * another binary. Usage: npm run screenshot [-- --out FILE] [-- --keep] (--keep leaves the HTML).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import console from 'node:console';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { marked } from 'marked';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const outIndex = args.indexOf('--out');
const out = path.resolve(root, outIndex === -1 ? 'docs/images/pr-comment.png' : args[outIndex + 1]);
const keep = args.includes('--keep');

const WIDTH = 960; // CSS pixels: a PR conversation column with a comment of about 900 px
const SCALE = 2; // device pixels per CSS pixel, for a sharp picture on high-density screens

function chromium() {
  const candidates = [process.env.CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].filter(Boolean);
  const found = candidates.find((c) => existsSync(c));
  if (!found) throw new Error(`no Chromium found (tried ${candidates.join(', ')}): apt-get install -y chromium, or set CHROMIUM`);
  return found;
}

/** The Markdown report of a real run of the CLI. */
function report(work) {
  const cli = path.join(root, 'dist/cli.js');
  if (!existsSync(cli)) throw new Error('dist/cli.js is missing: run npm run build first');
  const markdown = path.join(work, 'report.md');
  const run = spawnSync(
    process.execPath,
    [cli, 'check', '--policy', '.github/release-gate.yml', '--evidence', 'evidence', '--markdown', markdown],
    // run where a workflow would: the policy at .github/release-gate.yml, as the report names it
    { cwd: path.join(root, 'docs/screenshot'), encoding: 'utf8' },
  );
  // 0 = the gate passed, 1 = it failed: both are a report; 2 is a policy or usage error
  if (run.status !== 0 && run.status !== 1) throw new Error(`release-gate check exited ${run.status}:\n${run.stderr}`);
  process.stdout.write(run.stdout);
  return readFileSync(markdown, 'utf8');
}

function page(markdown) {
  const css = readFileSync(path.join(root, 'node_modules/github-markdown-css/github-markdown-light.css'), 'utf8');
  const body = marked.parse(markdown, { gfm: true, async: false });
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>release-gate PR comment</title>
<style>
${css}
html, body { margin: 0; background: #ffffff; }
body { padding: 16px 30px 16px 16px; font-family: -apple-system, BlinkMacSystemFont, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif; }
.comment { display: flex; gap: 16px; align-items: flex-start; }
.avatar { flex: none; width: 40px; height: 40px; border-radius: 6px; background: #2f81f7; color: #fff; font: 600 15px/40px sans-serif; text-align: center; }
.box { flex: 1; min-width: 0; border: 1px solid #d0d7de; border-radius: 6px; }
.head { background: #f6f8fa; border-bottom: 1px solid #d0d7de; border-radius: 6px 6px 0 0; padding: 8px 16px; font-size: 14px; color: #59636e; }
.head b { color: #1f2328; }
.head .bot { border: 1px solid #d0d7de; border-radius: 2em; padding: 0 6px; font-size: 12px; margin: 0 4px; }
.markdown-body { padding: 16px; font-size: 14px; }
.markdown-body table { font-size: 13px; }
</style></head>
<body>
<div class="comment">
  <div class="avatar">GA</div>
  <div class="box">
    <div class="head"><b>github-actions</b><span class="bot">bot</span> commented</div>
    <div class="markdown-body">
${body}
    </div>
  </div>
</div>
<script>
  // read by the measuring pass (--dump-dom)
  document.body.dataset.height = String(Math.ceil(document.documentElement.getBoundingClientRect().height));
</script>
</body></html>
`;
}

function chrome(binary, profileDir, extra) {
  return execFileSync(
    binary,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--no-default-browser-check',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-extensions',
      '--hide-scrollbars',
      `--user-data-dir=${profileDir}`,
      ...extra,
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 },
  );
}

const work = mkdtempSync(path.join(tmpdir(), 'release-gate-screenshot-'));
try {
  const binary = chromium();
  const html = path.join(work, 'pr-comment.html');
  writeFileSync(html, page(report(work)));
  const url = `file://${html}`;

  const dom = chrome(binary, mkdtempSync(path.join(work, 'profile-')), [`--window-size=${WIDTH},800`, '--dump-dom', url]);
  const height = Number(/data-height="(\d+)"/.exec(dom)?.[1]);
  if (!Number.isFinite(height) || height <= 0) throw new Error('could not measure the page height');

  mkdirSync(path.dirname(out), { recursive: true });
  chrome(binary, mkdtempSync(path.join(work, 'profile-')), [
    `--window-size=${WIDTH},${height}`,
    `--force-device-scale-factor=${SCALE}`,
    `--screenshot=${out}`,
    url,
  ]);
  if (!existsSync(out)) throw new Error(`Chromium wrote no screenshot to ${out}`);
  console.log(`wrote ${path.relative(root, out)} (${WIDTH}×${height} CSS px at ${SCALE}×)`);
  if (keep) console.log(`HTML kept at ${html}`);
} finally {
  if (!keep) rmSync(work, { recursive: true, force: true });
}
