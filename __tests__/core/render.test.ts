import type { Nodes, Root, Table } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmFromMarkdown } from 'mdast-util-gfm';
import { gfm } from 'micromark-extension-gfm';
import { describe, expect, it } from 'vitest';
import { annotationsFor } from '../../src/render/annotations.js';
import { codeSpan, escapeMarkdown } from '../../src/render/escape.js';
import { renderJson } from '../../src/render/json.js';
import { renderMarkdown, renderMarkdownSections, renderUnusablePolicyMarkdown } from '../../src/render/markdown.js';
import { renderText } from '../../src/render/text.js';
import { commandsIn } from '../helpers/workflow-commands.js';
import { fitMarkdown } from '../../src/render/trim.js';
import type { CriterionResult, Verdict } from '../../src/verdict/evaluate.js';

const HOSTILE = 'Evil | cell <img src=x onerror=alert(1)> [link](http://evil.example) ![img](http://x/y.png) @octocat #1 `code` *bold* www.evil.example https://evil.example\n| new row |\u0007\u001b[31m';

function criterion(overrides: Partial<CriterionResult>): CriterionResult {
  return {
    id: 'c',
    title: 'c',
    required: true,
    weight: 1,
    status: 'passed',
    reason: 'ok',
    expectations: ['failed == 0'],
    metrics: {},
    units: {},
    checks: [],
    evidence: [],
    position: { line: 7, column: 5 },
    ...overrides,
  };
}

function verdict(criteria: CriterionResult[]): Verdict {
  const counts = { passed: 0, failed: 0, missing: 0, 'not-applicable': 0, waived: 0 };
  for (const c of criteria) counts[c.status]++;
  return { policy: 'release-gate', decision: counts.failed + counts.missing > 0 ? 'fail' : 'pass', score: 50, minScore: 80, criteria, notEvaluated: [], waivers: [], counts, summary: 'required criteria not passed: 1 failed' };
}

function parse(markdown: string): Root {
  return fromMarkdown(markdown, { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] });
}

function nodes(tree: Nodes, type: string): Nodes[] {
  const found: Nodes[] = [];
  const walk = (n: Nodes) => {
    if (n.type === type) found.push(n);
    if ('children' in n) for (const child of n.children) walk(child as Nodes);
  };
  walk(tree);
  return found;
}

const hostileVerdict = verdict([
  criterion({
    id: 'evil',
    title: HOSTILE,
    group: HOSTILE,
    status: 'failed',
    reason: HOSTILE,
    checks: [{ metric: 'failed', op: '==', expected: 0, actual: 3, ok: false, expectedText: `== 0 ${HOSTILE}`, text: `failed = 3, expected == 0 ${HOSTILE}` }],
    evidence: [{ artifact: 'a`|b', path: `x|y\`z ${HOSTILE}`, bytes: 1, modified: '2026-01-01T00:00:00Z' }],
  }),
  criterion({ id: 'gone', title: 'Soak', status: 'missing', reason: HOSTILE }),
  criterion({ id: 'fine', title: 'Fine', status: 'passed', reason: 'failed = 0' }),
]);

describe('Markdown report', () => {
  it('keeps its structure whatever the artifacts say: tables, no links, images, HTML or mentions', () => {
    const md = renderMarkdown(hostileVerdict, { policyPath: '.github/release-gate.yml' });
    const tree = parse(md);
    const tables = nodes(tree, 'table') as Table[];
    expect(tables).toHaveLength(3);
    expect(tables.map((t) => t.children.length)).toEqual([2, 2, 2]); // header + one row each
    for (const t of tables) for (const row of t.children) expect(row.children).toHaveLength(4);
    expect(nodes(tree, 'link')).toEqual([]);
    expect(nodes(tree, 'image')).toEqual([]);
    const html = nodes(tree, 'html').map((n) => (n as { value: string }).value);
    expect(new Set(html)).toEqual(new Set(['<br>', '<sub>', '</sub>', '<details><summary>✅ 1 passed</summary>', '</details>']));
    const text = nodes(tree, 'text').map((n) => (n as { value: string }).value).join(' ');
    expect(text).not.toMatch(/@octocat|#1\b/); // a zero-width space follows @ and #
    expect(text).toContain('@\u200boctocat');
    expect(text).toContain('Evil | cell <img src=x onerror=alert(1)> [link](http:\u200b//evil.example) ![img](http:\u200b//x/y.png)');
    // eslint-disable-next-line no-control-regex
    expect(md).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/);
  });

  it('orders failures first and folds the passed criteria', () => {
    const sections = renderMarkdownSections(hostileVerdict);
    expect(sections[0]!.split('\n')[0]).toBe('### ❌ release-gate: failed · score 50% (needs 80%)');
    expect(sections[0]).toContain('❌ **1 failed** · ⚠️ **1 without evidence** · ✅ 1 passed');
    expect(sections.slice(1).map((s) => s.split('\n')[0])).toEqual(['#### ❌ Failed', '#### ⚠️ No evidence', '<details><summary>✅ 1 passed</summary>']);
  });

  it('shows what a missing criterion expected', () => {
    const md = renderMarkdown(verdict([criterion({ id: 'soak', title: 'Soak', status: 'missing', reason: 'no file matched "soak/*.json"', expectations: ['hours >= 2h', 'leaks == 0'] })]));
    expect(md).toContain('| ⚠️ | **Soak `soak`**<br><sub>required</sub> | **no evidence**: no file matched "soak/&#42;.json"<br><sub>needs hours ≥ 2h · leaks = 0</sub> | — |');
  });

  it('shows each check with its bound, failing ones first-class', () => {
    const md = renderMarkdown(
      verdict([
        criterion({
          id: 'perf',
          title: 'Perf',
          status: 'failed',
          reason: 'x',
          checks: [
            { metric: 'http_req_duration.p95', op: '<=', expected: 300, actual: 377.734, unit: 'ms', ok: false, expectedText: '<= 300 ms', text: '' },
            { metric: 'http_req_failed.rate', op: '<', expected: 0.01, actual: 0.00666667, unit: 'ratio', ok: true, expectedText: '< 1%', text: '' },
          ],
        }),
      ]),
    );
    expect(md).toContain('| ❌ **http&#95;req&#95;duration.p95 377.73 ms** <sub>needs ≤ 300 ms</sub><br>✅ http&#95;req&#95;failed.rate 0.667% <sub>needs &#60; 1%</sub> |');
  });

  it('code spans cannot be broken out of', () => {
    expect(codeSpan('a`b|c\nd')).toBe('`aˋb\\|c d`');
    expect(escapeMarkdown('x'.repeat(600)).length).toBe(500);
  });
});

describe('text report', () => {
  it('strips terminal control characters from artifact text', () => {
    const text = renderText(hostileVerdict);
    // eslint-disable-next-line no-control-regex
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/);
    expect(text).toContain('FAILED   evil');
  });

  it('is job log in a workflow step: no artifact text starts a workflow command, breaks a line or hides behind bidi controls', () => {
    const injection = 'x\n::error title=release-gate::All criteria passed\r::add-mask::FAIL\u2028 ##[warning]y :\u200d:notice::z \u202Egnissap';
    const v = verdict([
      criterion({ id: 'sarif', title: injection, status: 'missing', reason: `runs[0] (${injection}) has no results array`, evidence: [{ artifact: injection, path: `${injection}.sarif`, bytes: 1, modified: '2026-01-01T00:00:00Z' }] }),
      criterion({ id: 'ok', title: 'OK', status: 'passed', reason: injection }),
    ]);
    const text = renderText({ ...v, policy: injection, summary: injection }, injection);
    expect(commandsIn(text)).toEqual([]);
    expect(text.split('\n').filter((l) => l.trimStart().startsWith('::'))).toEqual([]);
    expect(text).not.toMatch(/[\r\u2028\u202E\u200d]/);
    expect(text).toContain('no evidence: runs[0] (x :∶error title=release-gate:∶All criteria passed :∶add-mask:∶FAIL  #♯[warning]y :⟨U+200D⟩:notice:∶z ⟨U+202E⟩gnissap) has no results array');
  });
});

describe('Markdown report: math and bidi', () => {
  it('no artifact text renders as math or reorders itself with bidi controls', () => {
    const sneaky = 'cost $x^2$ and $$\\sum$$ and $`a`$ \u202Edessap\u202C \u2066rtl\u2069';
    const md = renderMarkdown(verdict([criterion({ id: 'm', title: sneaky, status: 'failed', reason: sneaky, group: sneaky, checks: [{ metric: sneaky, op: '==', expected: 0, actual: 1, ok: false, expectedText: sneaky, text: '' }] })]));
    expect(md).not.toMatch(/[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/);
    expect(md.replace(/<span>&#36;<\/span>/g, '')).not.toContain('$');
    expect(md).toContain('⟨U&#43;202E⟩dessap⟨U&#43;202C⟩');
    const tree = parse(md);
    expect(nodes(tree, 'inlineCode').map((n) => (n as { value: string }).value)).toEqual(['m']);
    expect((nodes(tree, 'table') as Table[])[0]!.children[1]!.children).toHaveLength(4);
  });
});

describe('JSON report', () => {
  it('has the contract shape', () => {
    const report = JSON.parse(renderJson(hostileVerdict));
    expect(Object.keys(report)).toEqual(['version', 'policy', 'decision', 'score', 'minScore', 'profile', 'summary', 'errors', 'counts', 'criteria', 'notEvaluated', 'waivers', 'baseline', 'digest']);
    expect(Object.keys(report.criteria[0])).toEqual(['id', 'title', 'group', 'required', 'weight', 'status', 'reason', 'line', 'metrics', 'units', 'checks', 'base', 'waived', 'skipped', 'inapplicable', 'patch', 'evidence', 'failures']);
    expect(report.criteria[0].checks).toEqual([{ metric: 'failed', op: '==', expected: 0, actual: 3, unit: null, ok: false, base: null, relative: false }]);
    expect(report.criteria[0].evidence[0]).toEqual({ artifact: 'a`|b', path: `x|y\`z ${HOSTILE}`, bytes: 1, sha256: null, modified: '2026-01-01T00:00:00Z' });
  });
});

describe('annotations', () => {
  it('one per failed or missing criterion, on its policy line; optional ones are warnings', () => {
    const v = verdict([
      criterion({ id: 'a', title: 'A', status: 'failed', reason: 'failed = 1, expected == 0', position: { line: 12, column: 5 } }),
      criterion({ id: 'b', title: 'B', status: 'missing', required: false, reason: 'no file', position: { line: 20, column: 5 } }),
      criterion({ id: 'c', status: 'passed' }),
    ]);
    expect(annotationsFor(v, '.github/release-gate.yml')).toEqual([
      { path: '.github/release-gate.yml', start_line: 12, end_line: 12, annotation_level: 'failure', title: 'A (a): failed', message: 'failed = 1, expected == 0' },
      { path: '.github/release-gate.yml', start_line: 20, end_line: 20, annotation_level: 'warning', title: 'B (b): no evidence', message: 'no file' },
    ]);
  });
});

describe('fitMarkdown', () => {
  const sections = ['# head\n', `## failed\n${Array.from({ length: 100 }, (_, i) => `| row ${i} |`).join('\n')}\n`, '<details><summary>passed</summary>\n\n| p |\n</details>\n'];
  const note = (n: number) => `_${n} lines cut_`;

  it('returns the report untouched when it fits', () => {
    expect(fitMarkdown(sections, 100_000, note)).toBe(sections.join('\n'));
  });

  it('cuts failures-last at a line boundary, within the limit, and says how much', () => {
    const fitted = fitMarkdown(sections, 600, note);
    expect(fitted.length).toBeLessThanOrEqual(600);
    expect(fitted.startsWith('# head\n\n## failed\n| row 0 |\n')).toBe(true);
    const keptRows = fitted.match(/\| row \d+ \|/g)!.length;
    const cut = Number(/_(\d+) lines cut_$/.exec(fitted)![1]);
    // every line of the failed section and the passed section is either kept or counted as cut
    expect(keptRows + 1 + cut).toBe(sections[1]!.split('\n').length + sections[2]!.split('\n').length);
    expect(fitted).not.toContain('<details>');
  });

  it('closes a <details> it cuts open', () => {
    const big = ['# head\n', `<details><summary>passed</summary>\n\n${Array.from({ length: 100 }, (_, i) => `| p ${i} |`).join('\n')}\n</details>\n`];
    const fitted = fitMarkdown(big, 400, note);
    expect(fitted.length).toBeLessThanOrEqual(400);
    expect(fitted).toMatch(/<details>[\s\S]*<\/details>\n\n\n_\d+ lines cut_$/);
  });
});

describe('the report when the policy cannot be used', () => {
  it('lists each error escaped, one per line', () => {
    const md = renderUnusablePolicyMarkdown(['gate.yml:3:5: unknown key "x|y" @team', 'second']);
    expect(md).toBe('### ❌ release-gate: failed — the policy could not be used\n\n- gate.yml&#58;3&#58;5&#58; unknown key "x&#124;y" &#64;\u200bteam\n- second\n');
  });
});
