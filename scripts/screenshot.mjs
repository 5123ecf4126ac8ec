#!/usr/bin/env node
/**
 * Renders what a pull request's readers see of release-gate when it compares with the base branch:
 * docs/images/pr-comment.png (the comment: decision, deltas vs the base, named failing tests, patch
 * coverage, a waived criterion, a criterion not applicable to the change) and docs/images/trend.png (the job summary's
 * trend, drawn by Mermaid as GitHub draws it).
 *
 * 1. Makes a history with the real CLI (dist/cli.js, so `npm run build` first), in a copy of
 *    docs/screenshot/: five earlier verdicts of the base branch, each on the evidence of
 *    docs/screenshot/evidence/ changed as HISTORY says (fewer tests, fewer failing tests, more
 *    covered lines and branches, a faster p95), each run's --baseline the previous run's --json.
 *    The last one is main.json; the final run, on the evidence as it is, uses --baseline main.json
 *    and --diff change.diff: the pull request, made by `git diff main...change` in a git repository
 *    built there from the sources of docs/screenshot (CHANGE says what the pull request changed),
 *    also written to docs/screenshot/change.diff (committed; the same bytes on every run).
 *    The digest records wall-clock times: the comment says "0 min old". The policy's waiver of
 *    code-scanning is moved to expire WAIVER_DAYS_LEFT days from the day the script runs (in the
 *    working copy; docs/screenshot keeps its far date for docs/policy.md's worked example): the
 *    picture always says "30 days left", only the expiry date beside it is the day's.
 * 2. Converts its `--markdown` report to HTML with a GitHub-flavoured Markdown renderer (marked)
 *    and GitHub's own Markdown CSS (github-markdown-css, light theme); ```mermaid blocks are drawn
 *    by the Mermaid library itself (node_modules/mermaid, inlined), as GitHub does. The comment is
 *    the report up to its trend section (a comment shows the trend only with `trend-in-comment`);
 *    the summary picture is the trend section.
 * 3. Screenshots each page in headless Chromium: a first pass (--dump-dom) measures the height once
 *    Mermaid has finished and reads what Mermaid reported — a block that does not parse or draws no
 *    SVG fails the script —, the second takes the picture at exactly that height.
 *
 * Needs Chromium (Debian: `apt-get install -y chromium fonts-noto-color-emoji`); set CHROMIUM to use
 * another binary. Usage: npm run screenshot [-- --keep] (--keep leaves the HTML and the reports).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import console from 'node:console';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { Marked } from 'marked';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const source = path.join(root, 'docs/screenshot');
const keep = process.argv.slice(2).includes('--keep');

const WIDTH = 960; // CSS pixels: a PR conversation column with a comment of about 900 px
const SCALE = 2; // device pixels per CSS pixel, for a sharp picture on high-density screens
/** Virtual milliseconds Chromium lets pass before it dumps or shoots: Mermaid draws after the load event. */
const MERMAID_BUDGET = 20_000;

/**
 * The base branch's earlier verdicts, oldest first; the final run is the evidence as it is (40 + 7
 * tests, 3 failing, 11/17 lines, 6/12 branches, p95 377.73 ms). Fixed commits, so the labels are too.
 */
const HISTORY = [
  { commit: '3f9c2a17e4b05d8c61a2f9e03b7d4c58a1e6f203', tests: 34, failing: 0, lines: 4, branches: 3, p95: 289.41 },
  { commit: '8b1e5d0c93a47f26e8d1c05b4a9f37e2d6c8b014', tests: 36, failing: 0, lines: 4, branches: 3, p95: 295.07 },
  { commit: 'c47a90e25f1b83d6c0e94a7b2d5f18c3e6a07b95', tests: 37, failing: 1, lines: 3, branches: 2, p95: 312.84 },
  { commit: '1d6f3b8e07c25a94f1b6d83e0c7a52f49b1e8d36', tests: 38, failing: 1, lines: 2, branches: 2, p95: 327.5 },
  { commit: 'e92c4a71b5d08f3e6a1c97b20d4f85e3a7c61b08', tests: 39, failing: 2, lines: 1, branches: 1, p95: 341.18 },
];
const THIS_COMMIT = '5a0d7e3c91f4b26a8e5d03c7b1f94a6e2d8c50f7';
/** Uncovered lines and branches of coverage/lcov.info, covered in earlier verdicts (the first `lines` / `branches` of them). */
const UNCOVERED_LINES = [6, 8, 20, 23];
const UNTAKEN_BRANCHES = ['5,0,0', '7,0,0', '19,0,1', '22,0,0'];

/**
 * The repository of the final run: its path → the file of docs/screenshot it is. c/calc.c is the
 * source coverage/lcov.info measured (SF:/tmp/release-gate-covfix/c/calc.c, matched to c/calc.c by
 * the longest repository path it ends with); src/ and test/ are the checkout project of checkout.xml.
 */
const SOURCES = {
  '.github/release-gate.yml': '.github/release-gate.yml',
  'c/calc.c': 'c/calc.c',
  'src/cart.js': 'checkout/cart.js.txt',
  'test/cart.test.js': 'checkout/cart.test.js.txt',
};
/**
 * The pull request: the base branch has `before` where the sources have `after`. In c/calc.c it adds
 * lines 19–20 and 22–23, which lcov.info instruments and of which 19 and 22 ran (patch coverage 2 of
 * 4 lines, 50%; the branches on them, 4 on line 19 and 2 on line 22, 3 of 6 taken); in src/cart.js it adds the guard of line 10 that the failing shipping test hits
 * (a JavaScript file the lcov capture does not instrument: not in the patch figures). Nothing under
 * web/, so the web-e2e criterion (paths: web/**) is not applicable.
 */
const CHANGE = [
  { file: 'c/calc.c', before: '', after: '    if (c > 0 && x > 100)\n        printf("big\\n");\n' },
  { file: 'c/calc.c', before: '', after: '    if (argc > 5)\n        return unused(x);\n' },
  { file: 'src/cart.js', before: '', after: '  if (weightKg <= 0) throw new RangeError(`weight must be positive, got ${weightKg}`);\n' },
];
const PATCH = { covered: 2, total: 4, branches: { covered: 3, total: 6 } };
/**
 * The waiver in the picture: the policy's one waiver (of code-scanning, which has no evidence) is
 * made to expire so that it has this many days left, today included, on the day the script runs —
 * the CLI takes no clock, and a fixed date would make "N days left" change every day. Not within
 * 7 days, so not flagged as expiring soon.
 */
const WAIVED = 'code-scanning';
const WAIVER_DAYS_LEFT = 30;
const DAY_MS = 86_400_000;
/** Fixed names and dates, and no user or system git configuration: the same commits on every machine. */
const GIT_ENV = {
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_AUTHOR_NAME: 'release-gate screenshot',
  GIT_AUTHOR_EMAIL: 'screenshot@example.invalid',
  GIT_AUTHOR_DATE: '2025-01-06T09:00:00Z',
  GIT_COMMITTER_NAME: 'release-gate screenshot',
  GIT_COMMITTER_EMAIL: 'screenshot@example.invalid',
  GIT_COMMITTER_DATE: '2025-01-06T09:00:00Z',
};

function chromium() {
  const candidates = [process.env.CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].filter(Boolean);
  const found = candidates.find((c) => existsSync(c));
  if (!found) throw new Error(`no Chromium found (tried ${candidates.join(', ')}): apt-get install -y chromium, or set CHROMIUM`);
  return found;
}

/**
 * The policy as the picture uses it: its one `expires:` date moved to the day that leaves
 * WAIVER_DAYS_LEFT days (the waiver holds through its expiry day, UTC, today included).
 */
function pictureExpiry(policy) {
  const dates = policy.match(/^ +expires: "\d{4}-\d{2}-\d{2}"/gm) ?? [];
  if (dates.length !== 1) throw new Error(`docs/screenshot/.github/release-gate.yml changed: ${dates.length} waiver expiry dates, the script moves exactly 1`);
  const expires = new Date(Date.now() + (WAIVER_DAYS_LEFT - 1) * DAY_MS).toISOString().slice(0, 10);
  return policy.replace(/^( +expires: )"\d{4}-\d{2}-\d{2}"/m, `$1"${expires}"`);
}

/** `text` with `from` replaced by `to`, which must be there: a changed evidence file stops the script. */
function replaceOnce(text, from, to, what) {
  if (!text.includes(from)) throw new Error(`docs/screenshot/evidence changed: ${what} (${JSON.stringify(from)}) is not there`);
  return text.replace(from, to);
}

/** The evidence of an earlier verdict: docs/screenshot/evidence with the changes of one HISTORY entry. */
function earlierEvidence(dir, h) {
  cpSync(path.join(source, 'evidence'), dir, { recursive: true });
  const edit = (file, change) => writeFileSync(path.join(dir, file), change(readFileSync(path.join(dir, file), 'utf8')));

  // the vitest JUnit file of 40 tests: the first h.tests of them
  edit('test-results/junit.xml', (xml) => {
    const cases = xml.match(/\n\s*<testcase [\s\S]*?<\/testcase>/g) ?? [];
    if (cases.length !== 40) throw new Error(`docs/screenshot/evidence changed: junit.xml has ${cases.length} test cases, not 40`);
    let out = xml;
    for (const c of cases.slice(h.tests)) out = out.replace(c, '');
    return out.replaceAll('tests="40"', `tests="${h.tests}"`);
  });
  // the checkout suite's 3 failures: only the first h.failing of them had happened yet
  edit('test-results/checkout.xml', (xml) => {
    const failures = xml.match(/\n\s*<failure [\s\S]*?<\/failure>/g) ?? [];
    if (failures.length !== 3) throw new Error(`docs/screenshot/evidence changed: checkout.xml has ${failures.length} failures, not 3`);
    let out = xml;
    for (const f of failures.slice(h.failing)) out = out.replace(f, '');
    return out.replaceAll('failures="3"', `failures="${h.failing}"`);
  });
  edit('coverage/lcov.info', (lcov) => {
    let out = lcov;
    for (const line of UNCOVERED_LINES.slice(0, h.lines)) out = replaceOnce(out, `\nDA:${line},0\n`, `\nDA:${line},1\n`, 'an uncovered line');
    for (const branch of UNTAKEN_BRANCHES.slice(0, h.branches)) out = replaceOnce(out, `\nBRDA:${branch},0\n`, `\nBRDA:${branch},1\n`, 'an untaken branch');
    return out;
  });
  edit('k6-checkout/summary.json', (json) => replaceOnce(json, '"p(95)": 377.73007415', `"p(95)": ${h.p95}`, 'the p95 of http_req_duration'));
}

function git(cwd, args) {
  return execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, ...GIT_ENV }, stdio: ['ignore', 'pipe', 'pipe'] });
}

/**
 * Makes `repo` a git repository of SOURCES: a commit of the base branch (main, the sources without
 * CHANGE), a branch `change` with the sources as they are, and returns `git diff main...change`, the
 * unified diff a pull request of that branch shows. The evidence and the reports stay untracked.
 */
function pullRequestDiff(repo) {
  git(repo, ['init', '-q', '-b', 'main']);
  const write = (file, text) => {
    mkdirSync(path.dirname(path.join(repo, file)), { recursive: true });
    writeFileSync(path.join(repo, file), text);
  };
  const sources = Object.entries(SOURCES).map(([file, from]) => {
    const text = readFileSync(path.join(source, from), 'utf8');
    // on both branches: the pull request does not change the waiver
    return [file, file === '.github/release-gate.yml' ? pictureExpiry(text) : text];
  });
  for (const [file, text] of sources) {
    let base = text;
    for (const c of CHANGE.filter((c) => c.file === file)) base = replaceOnce(base, c.after, c.before, `the change to ${file}`);
    write(file, base);
  }
  git(repo, ['add', '--', ...Object.keys(SOURCES)]);
  git(repo, ['commit', '-q', '-m', 'base']);
  git(repo, ['switch', '-q', '-c', 'change']);
  for (const [file, text] of sources) write(file, text);
  git(repo, ['commit', '-q', '-a', '-m', 'the pull request']);
  return git(repo, ['diff', '--no-color', '--no-ext-diff', 'main...change']);
}

/** One run of the real CLI in `cwd`; 0 = the gate passed, 1 = it failed: both are a report, 2 is an error. */
function check(cwd, args) {
  const run = spawnSync(process.execPath, [path.join(root, 'dist/cli.js'), 'check', '--policy', '.github/release-gate.yml', ...args], { cwd, encoding: 'utf8' });
  if (run.status !== 0 && run.status !== 1) throw new Error(`release-gate check ${args.join(' ')} exited ${run.status}:\n${run.stderr}`);
  return run.stdout;
}

/** The final run must show what CHANGE says and the waiver, or the picture would show something else. */
function checkChange(report) {
  const byId = new Map(report.criteria.map((c) => [c.id, c]));
  const patch = byId.get('patch-coverage');
  if (!patch) throw new Error('the policy has no patch-coverage criterion');
  const { 'patch.lines.covered': covered, 'patch.lines.total': total } = patch.metrics;
  if (covered !== PATCH.covered || total !== PATCH.total) throw new Error(`patch coverage is ${covered} of ${total} changed lines, CHANGE says ${PATCH.covered} of ${PATCH.total}`);
  const branches = { covered: patch.metrics['patch.branches.covered'], total: patch.metrics['patch.branches.total'] };
  if (branches.covered !== PATCH.branches.covered || branches.total !== PATCH.branches.total) {
    throw new Error(`patch coverage is ${branches.covered} of ${branches.total} changed branches, CHANGE says ${PATCH.branches.covered} of ${PATCH.branches.total}`);
  }
  if (patch.patch?.unmatched.total !== 0) throw new Error(`coverage paths that match no repository file: ${JSON.stringify(patch.patch?.unmatched)}`);
  const web = byId.get('web-e2e');
  if (web?.status !== 'not-applicable') throw new Error(`web-e2e is ${web?.status ?? 'not in the policy'}, not "not-applicable": ${web?.reason}`);
  // the waived criterion, with what the picture says of it
  const waived = byId.get(WAIVED);
  if (waived?.status !== 'waived') throw new Error(`${WAIVED} is ${waived?.status ?? 'not in the policy'}, not "waived": ${waived?.reason}`);
  const waiver = report.waivers.find((w) => w.criterion === WAIVED && w.state === 'applied');
  if (waiver?.daysLeft !== WAIVER_DAYS_LEFT) throw new Error(`the waiver of ${WAIVED} has ${waiver?.daysLeft} days left, not ${WAIVER_DAYS_LEFT} (run at midnight UTC? run again)`);
  if (!waiver.link || !waiver.approvedBy) throw new Error(`the waiver of ${WAIVED} has no link or approver: the picture shows both`);
}

/** The Markdown report of the final run, compared with the last of a chain of earlier verdicts. */
function report(work) {
  if (!existsSync(path.join(root, 'dist/cli.js'))) throw new Error('dist/cli.js is missing: run npm run build first');
  // run where a workflow would: the policy at .github/release-gate.yml, as the report names it
  const repo = path.join(work, 'repo');
  mkdirSync(repo, { recursive: true });
  const diff = pullRequestDiff(repo);
  writeFileSync(path.join(repo, 'change.diff'), diff);
  // committed beside the sources, so docs/policy.md's worked example can be rerun with --diff change.diff
  writeFileSync(path.join(source, 'change.diff'), diff);
  cpSync(path.join(source, 'evidence'), path.join(repo, 'evidence'), { recursive: true });
  let previous;
  for (const [i, h] of HISTORY.entries()) {
    const evidence = `history/${i + 1}/evidence`;
    earlierEvidence(path.join(repo, evidence), h);
    const json = `history/${i + 1}/report.json`;
    check(repo, ['--evidence', evidence, '--commit', h.commit, '--json', json, ...(previous ? ['--baseline', previous] : [])]);
    // the variant must say what HISTORY says, or the picture would show something else
    const metrics = JSON.parse(readFileSync(path.join(repo, json), 'utf8')).digest.trend.at(-1).metrics;
    const expected = { 'unit-tests.tests': h.tests + 7, 'unit-tests.failed': h.failing, 'coverage.lines': ((11 + h.lines) / 17) * 100, 'coverage.branches': ((6 + h.branches) / 12) * 100, 'load-test.http_req_duration.p95': h.p95 };
    for (const [key, value] of Object.entries(expected)) {
      if (Math.abs(metrics[key] - value) > 1e-9) throw new Error(`earlier verdict ${i + 1}: ${key} is ${metrics[key]}, HISTORY says ${value}`);
    }
    previous = json;
  }
  cpSync(path.join(repo, previous), path.join(repo, 'main.json'));
  const markdown = path.join(work, 'report.md');
  const json = path.join(work, 'report.json');
  process.stdout.write(check(repo, ['--evidence', 'evidence', '--commit', THIS_COMMIT, '--baseline', 'main.json', '--diff', 'change.diff', '--markdown', markdown, '--json', json]));
  checkChange(JSON.parse(readFileSync(json, 'utf8')));
  return readFileSync(markdown, 'utf8');
}

function escapeHtml(s) {
  return s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

// ```mermaid blocks become <pre class="mermaid">, which Mermaid replaces by an SVG
const markdownToHtml = new Marked({ gfm: true, async: false }).use({
  renderer: {
    code({ text, lang }) {
      return lang === 'mermaid' ? `<pre class="mermaid">${escapeHtml(text)}</pre>\n` : false;
    },
  },
});

function page(markdown, title, head) {
  const css = readFileSync(path.join(root, 'node_modules/github-markdown-css/github-markdown-light.css'), 'utf8');
  const mermaid = readFileSync(path.join(root, 'node_modules/mermaid/dist/mermaid.min.js'), 'utf8').replaceAll('</script', '<\\/script');
  const body = markdownToHtml.parse(markdown);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
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
.markdown-body pre.mermaid { background: #ffffff; padding: 0; text-align: center; }
</style></head>
<body>
<div class="comment">
  <div class="avatar">GA</div>
  <div class="box">
    <div class="head">${head}</div>
    <div class="markdown-body">
${body}
    </div>
  </div>
</div>
<script>${mermaid}</script>
<script>
  // Mermaid as GitHub runs it; what it reports and the page's height are read by the measuring pass (--dump-dom)
  (async () => {
    const nodes = [...document.querySelectorAll('pre.mermaid')];
    const problems = [];
    try {
      mermaid.initialize({ startOnLoad: false, theme: 'default' });
      for (const [i, node] of nodes.entries()) {
        try {
          await mermaid.parse(node.textContent);
        } catch (err) {
          problems.push('block ' + (i + 1) + ': ' + (err && err.message ? err.message : String(err)));
        }
      }
      await mermaid.run({ nodes, suppressErrors: true });
    } catch (err) {
      problems.push('mermaid.run: ' + (err && err.message ? err.message : String(err)));
    }
    nodes.forEach((node, i) => {
      const svg = node.querySelector('svg');
      // a diagram Mermaid cannot read becomes its error picture: "Syntax error in text"
      if (!svg) problems.push('block ' + (i + 1) + ': no SVG');
      else if (svg.getAttribute('aria-roledescription') === 'error' || /Syntax error/i.test(svg.textContent)) problems.push('block ' + (i + 1) + ': Mermaid drew its error picture');
    });
    document.body.dataset.mermaid = JSON.stringify({ blocks: nodes.length, svgs: nodes.filter((n) => n.querySelector('svg')).length, problems });
    document.body.dataset.height = String(Math.ceil(document.documentElement.getBoundingClientRect().height));
  })();
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
      `--virtual-time-budget=${MERMAID_BUDGET}`,
      `--user-data-dir=${profileDir}`,
      ...extra,
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000, maxBuffer: 64 * 1024 * 1024 },
  );
}

function unescapeAttribute(s) {
  return s.replaceAll('&quot;', '"').replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&');
}

/** Screenshots `html` to `out`: measures it once Mermaid is done (and checks what Mermaid said), then shoots. */
function shoot(binary, work, html, out, expectedCharts) {
  const url = `file://${html}`;
  const dom = chrome(binary, mkdtempSync(path.join(work, 'profile-')), [`--window-size=${WIDTH},800`, '--dump-dom', url]);
  const state = /data-mermaid="([^"]*)"/.exec(dom)?.[1];
  if (state === undefined) throw new Error(`${path.basename(html)}: Mermaid did not finish within ${MERMAID_BUDGET} virtual ms`);
  const mermaid = JSON.parse(unescapeAttribute(state));
  if (mermaid.problems.length > 0) throw new Error(`${path.basename(html)}: Mermaid could not draw the trend:\n${mermaid.problems.join('\n')}`);
  if (mermaid.blocks !== expectedCharts || mermaid.svgs !== expectedCharts) throw new Error(`${path.basename(html)}: ${expectedCharts} mermaid blocks expected, ${mermaid.blocks} found, ${mermaid.svgs} drawn`);
  const height = Number(/data-height="(\d+)"/.exec(dom)?.[1]);
  if (!Number.isFinite(height) || height <= 0) throw new Error('could not measure the page height');

  mkdirSync(path.dirname(out), { recursive: true });
  rmSync(out, { force: true });
  chrome(binary, mkdtempSync(path.join(work, 'profile-')), [`--window-size=${WIDTH},${height}`, `--force-device-scale-factor=${SCALE}`, `--screenshot=${out}`, url]);
  if (!existsSync(out)) throw new Error(`Chromium wrote no screenshot to ${out}`);
  console.log(`wrote ${path.relative(root, out)} (${WIDTH}×${height} CSS px at ${SCALE}×${expectedCharts > 0 ? `, ${expectedCharts} Mermaid charts` : ''})`);
}

const work = mkdtempSync(path.join(tmpdir(), 'release-gate-screenshot-'));
try {
  const binary = chromium();
  const markdown = report(work);
  const trendAt = markdown.indexOf('#### 📈 Trend');
  if (trendAt === -1) throw new Error('the report has no trend section: the history did not reach the final run');
  const comment = markdown.slice(0, trendAt);
  const trend = markdown.slice(trendAt);
  const charts = (trend.match(/^```mermaid$/gm) ?? []).length;
  if (charts === 0) throw new Error('the trend section has no ```mermaid chart');
  if (comment.includes('```mermaid')) throw new Error('a ```mermaid block outside the trend section');

  const commentHtml = path.join(work, 'pr-comment.html');
  writeFileSync(commentHtml, page(comment, 'release-gate PR comment', '<b>github-actions</b><span class="bot">bot</span> commented'));
  shoot(binary, work, commentHtml, path.join(root, 'docs/images/pr-comment.png'), 0);

  const trendHtml = path.join(work, 'trend.html');
  writeFileSync(trendHtml, page(trend, 'release-gate job summary: trend', '<b>release-gate</b> summary'));
  shoot(binary, work, trendHtml, path.join(root, 'docs/images/trend.png'), charts);
  if (keep) console.log(`HTML and reports kept in ${work}`);
} finally {
  if (!keep) rmSync(work, { recursive: true, force: true });
}
