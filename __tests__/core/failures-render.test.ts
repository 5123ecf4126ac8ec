/**
 * Failing tests by name and place, from real producers' files read by the real readers through the
 * pipeline (collect → verdict) into every report: the PR comment (10 per failed criterion), the
 * job summary (50), the CLI text (5), the JSON report (all kept), and the check-run annotations at
 * the tests' source lines. Then, property-based: whatever a failing test's name, suite, file or
 * message says, no report lets it mention, link, inject, break the list or start a workflow command.
 */
import fc from 'fast-check';
import type { List, Nodes, Root } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmFromMarkdown } from 'mdast-util-gfm';
import { gfm } from 'micromark-extension-gfm';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { directorySource } from '../../src/evidence/directory.js';
import { FORMATS } from '../../src/readers/index.js';
import type { FailureItem, Format } from '../../src/readers/types.js';
import { annotationsFor, failureAnnotations, repositoryPath } from '../../src/render/annotations.js';
import { renderJson } from '../../src/render/json.js';
import { renderMarkdown } from '../../src/render/markdown.js';
import { renderText } from '../../src/render/text.js';
import { runGate } from '../../src/run.js';
import type { CriterionResult, Verdict } from '../../src/verdict/evaluate.js';
import { context, fileSource, FIXTURES } from '../helpers/evidence.js';
import { commandsIn } from '../helpers/workflow-commands.js';

/**
 * Files made by the real producers (see each folder's README): NUnit 2.6 (nunit-console), Jest's
 * --json, node:test's TAP. Their places are absolute paths of the machine that ran them.
 */
const POLICY = `version: 1
name: release-gate
criteria:
  - id: nunit
    title: NUnit tests
    evidence: { path: nunit/nunit26-mixed.xml, format: nunit }
    expect: { failed: "== 0" }
  - id: jest
    title: Jest tests
    evidence: { path: jest-json/jest-mixed.json, format: jest-json }
    expect: { failed: "== 0" }
  - id: tap
    title: node:test
    evidence: { path: tap/node24.tap, format: tap }
    expect: { failed: "== 0" }
  - id: codeql
    title: Code scanning
    evidence: { path: sarif/codeql-extensions.sarif, format: sarif }
    expect: { error: "== 0" }
  - id: tolerant
    title: Some failures allowed
    required: false
    evidence: { path: tap/bats.tap, format: tap }
    expect: { failed: "<= 5" }
`;

/** What the reader itself says failed, read straight from the file. */
async function readerFailures(format: string, file: string) {
  const f = FORMATS[format as keyof typeof FORMATS] as Format<unknown>;
  const model = await f.read(fileSource(path.join(FIXTURES, file)), context(file));
  return f.failures!(model);
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

function textOf(n: Nodes): string {
  if ('value' in n && typeof n.value === 'string' && n.type !== 'html') return n.value;
  return 'children' in n ? (n.children as Nodes[]).map(textOf).join('') : '';
}

let verdict: Verdict;
const byId = (id: string) => verdict.criteria.find((c) => c.id === id)!;

beforeAll(async () => {
  const outcome = await runGate({ policyText: POLICY, policyFile: 'policy.yml', source: directorySource(FIXTURES), now: new Date() });
  if (outcome.kind !== 'verdict') throw new Error(JSON.stringify(outcome));
  verdict = outcome.verdict;
});

describe('the verdict carries what failed', () => {
  it("each criterion holds its reader's kept failing tests and exact total", async () => {
    expect(byId('nunit').status).toBe('failed');
    expect(byId('nunit').failures).toEqual(await readerFailures('nunit', 'nunit/nunit26-mixed.xml'));
    expect(byId('jest').failures).toEqual(await readerFailures('jest-json', 'jest-json/jest-mixed.json'));
    expect(byId('tap').failures).toEqual(await readerFailures('tap', 'tap/node24.tap'));
    // the total is the failed metric: the list and the figure come from the same reading
    for (const id of ['nunit', 'jest', 'tap']) expect(byId(id).failures!.total).toBe(byId(id).metrics.failed);
    expect(byId('codeql').failures).toEqual(await readerFailures('sarif', 'sarif/codeql-extensions.sarif'));
    expect(byId('tolerant').status).toBe('passed');
    expect(byId('tolerant').failures?.total).toBe(1);
  });
});

describe('the PR comment', () => {
  it('lists each failed criterion\'s failing tests: suite › name — file:line — message, and "… and N more"', () => {
    const md = renderMarkdown(verdict);
    const tree = parse(md);
    const lists = nodes(tree, 'list') as List[];
    // one list per failed criterion; the passed one with a tolerated failure has none
    expect(lists).toHaveLength(4);
    const nunit = byId('nunit').failures!;
    const nunitItems = lists[0]!.children.map(textOf);
    expect(nunitItems.length).toBe(Math.min(nunit.total, 10) + (nunit.total > 10 ? 1 : 0));
    expect(nunitItems[0]).toBe('❌ BrokenSetUpFixture › Gate.Tests.BrokenSetUpFixture.First — /tmp/nunitprod/Tests.cs:25 — TestFixtureSetUp failed in BrokenSetUpFixture');
    if (nunit.total > 10) expect(nunitItems.at(-1)).toBe(`… and ${nunit.total - 10} more`);
    // a test with no place shows none
    expect(nunitItems).toContain('❌ Tests › BrokenTearDownFixture — the suite failed while no test case under it did (a set-up or tear-down failure)');
    expect(md).toContain(`**NUnit tests \`nunit\`**: ${nunit.total} failing tests`);
    expect(lists[1]!.children.map(textOf)).toEqual([
      '❌ math › adds wrongly — /tmp/jsprod/jestproj/src/math.test.js:8 — Error: expect(received).toBe(expected) // Object.is equality',
      '❌ Test suite failed to run — /tmp/jsprod/jestproj/src/hooks.test.js:3 — teardown broke',
      "❌ Test suite failed to run — /tmp/jsprod/jestproj/src/broken.test.js:1 — Cannot find module './does-not-exist' from 'src/broken.test.js'",
    ]);
    // SARIF findings (CodeQL's, errors first as the reader keeps them): level, rule once, place, message
    const codeql = byId('codeql').failures!;
    const findings = lists[3]!.children.map(textOf);
    expect(findings[0]).toBe('error js/sql-injection — src/app.js:12 — expect: error, high (rule default level via toolComponent 0, rule severity 8.8)');
    expect(findings.slice(0, Math.min(10, codeql.total)).map((f) => f.split(' ')[0])).toEqual(codeql.kept.slice(0, 10).map((k) => k.level));
    expect(md).toContain(`**Code scanning \`codeql\`**: ${codeql.total} findings`);
    expect(md).not.toContain('issue #42'); // the passed criterion's failure is not listed
    expect(nodes(tree, 'link')).toEqual([]);
  });

  it('shows as many as asked (the job summary: 50) and counts the rest exactly', () => {
    const nunit = byId('nunit').failures!;
    const two = (nodes(parse(renderMarkdown(verdict, { failuresShown: 2 })), 'list') as List[])[0]!.children.map(textOf);
    expect(two).toHaveLength(3);
    expect(two[2]).toBe(`… and ${nunit.total - 2} more`);
    const fifty = (nodes(parse(renderMarkdown(verdict, { failuresShown: 50 })), 'list') as List[])[0]!.children.map(textOf);
    expect(fifty).toHaveLength(Math.min(nunit.total, 50) + (nunit.total > 50 ? 1 : 0));
  });

  it('a finding shows its level and rule', () => {
    const finding: FailureItem = { suite: 'js/sql-injection', name: 'This query depends on a user-provided value.', file: 'src/db.js', line: 42, level: 'error' };
    // a rule without a name: the reader names the finding by its rule id, shown once
    const unnamed: FailureItem = { suite: 'no-eval', name: 'no-eval', file: 'src/x.js', line: 3, message: 'eval can be harmful.', level: 'note' };
    const md = renderMarkdown(withFailures([finding, { ...finding, level: 'warning', suite: 'js/unused', name: 'Unused variable x.', line: 7 }, unnamed], 3));
    const items = (nodes(parse(md), 'list') as List[])[0]!.children.map(textOf);
    expect(items).toEqual([
      'error js/sql-injection This query depends on a user-provided value. — src/db.js:42',
      'warning js/unused Unused variable x. — src/db.js:7',
      'note no-eval — src/x.js:3 — eval can be harmful.',
    ]);
    expect(renderText(withFailures([unnamed], 1))).toContain('✗ note no-eval — src/x.js:3 — eval can be harmful.');
    expect(failureAnnotations(withFailures([unnamed], 1)).annotations[0]).toMatchObject({ annotation_level: 'notice', title: 'note no-eval', message: 'eval can be harmful. (c0)' });
    expect(md).toContain(': 3 findings');
  });
});

describe('the CLI text and the JSON report', () => {
  it('the text lists the first 5 under a failed criterion and counts the rest', () => {
    const text = renderText(verdict);
    const nunit = byId('nunit').failures!;
    const lines = text.split('\n');
    const head = lines.findIndex((l) => l.trim() === `${nunit.total} failing tests:`);
    expect(head).toBeGreaterThan(0);
    const listed = lines.slice(head + 1).filter((l, i, all) => all.slice(0, i + 1).every((x) => /^ {15}(✗|…)/.test(x)));
    expect(listed.filter((l) => l.includes('✗'))).toHaveLength(Math.min(5, nunit.total));
    expect(listed[0]).toBe('               ✗ BrokenSetUpFixture › Gate.Tests.BrokenSetUpFixture.First — /tmp/nunitprod/Tests.cs:25 — TestFixtureSetUp failed in BrokenSetUpFixture');
    if (nunit.total > 5) expect(listed.at(-1)).toBe(`               … and ${nunit.total - 5} more`);
    expect(text).not.toContain('issue #42');
  });

  it('the JSON report holds every kept failing test with its place, and the total', () => {
    const report = JSON.parse(renderJson(verdict));
    const nunit = byId('nunit').failures!;
    const json = report.criteria.find((c: { id: string }) => c.id === 'nunit');
    expect(json.failures.total).toBe(nunit.total);
    expect(json.failures.kept).toHaveLength(nunit.kept.length);
    expect(json.failures.kept[0]).toEqual({ suite: 'BrokenSetUpFixture', name: 'Gate.Tests.BrokenSetUpFixture.First', file: '/tmp/nunitprod/Tests.cs', line: 25, message: 'TestFixtureSetUp failed in BrokenSetUpFixture', level: null });
    expect(report.criteria.find((c: { id: string }) => c.id === 'tolerant').failures.total).toBe(1);
  });
});

describe('check-run annotations at the failing tests', () => {
  it('at each test whose file lies in the workspace, made relative; the policy-line ones unchanged', () => {
    const { annotations, leftOut } = failureAnnotations(verdict, { workspace: '/tmp/jsprod/jestproj' });
    expect(leftOut).toBe(0);
    // only the Jest files lie under that workspace; NUnit's and node:test's do not and are not annotated
    expect(annotations.map((a) => [a.path, a.start_line, a.end_line, a.annotation_level, a.title, a.message])).toEqual([
      ['src/math.test.js', 8, 8, 'failure', 'math › adds wrongly failed', 'Error: expect(received).toBe(expected) // Object.is equality (Jest tests, jest)'],
      ['src/hooks.test.js', 3, 3, 'failure', 'Test suite failed to run failed', 'teardown broke (Jest tests, jest)'],
      ['src/broken.test.js', 1, 1, 'failure', 'Test suite failed to run failed', "Cannot find module './does-not-exist' from 'src/broken.test.js' (Jest tests, jest)"],
      // CodeQL's findings: at their repository-relative places, level by level
      ...byId('codeql').failures!.kept.filter((k) => k.file !== undefined && k.line !== undefined).map((k) => [k.file, k.line, k.line, { error: 'failure', warning: 'warning', note: 'notice' }[k.level!], k.suite === undefined ? `${k.level} ${k.name}` : k.name === k.suite ? `${k.level} ${k.suite}` : `${k.level} ${k.suite}: ${k.name}`, `${k.message} (Code scanning, codeql)`]),
      // a passed criterion's failing test is annotated too, after the failed ones (relative in the file)
      ['sample.bats', 13, 13, 'failure', 'issue #42: comparison fails failed', '`[ "$result" -eq 5 ]\' failed (Some failures allowed, tolerant)'],
    ]);
    expect(annotationsFor(verdict, 'policy.yml').map((a) => a.start_line)).toEqual([4, 8, 12, 16]);
  });

  it('levels follow the finding: errors failures, warnings warnings, notes notices; capped with a count of the rest', () => {
    const items: FailureItem[] = [
      { name: 'e', suite: 'r1', file: 'a.c', line: 1, level: 'error' },
      { name: 'w', suite: 'r2', file: 'a.c', line: 2, level: 'warning' },
      { name: 'n', suite: 'r3', file: 'a.c', line: 3, level: 'note' },
      { name: 'no line', file: 'a.c', level: 'error' },
      { name: 'outside', file: '../a.c', line: 4 },
    ];
    expect(failureAnnotations(withFailures(items, 5)).annotations.map((a) => [a.annotation_level, a.title, a.start_line])).toEqual([
      ['failure', 'error r1: e', 1],
      ['warning', 'warning r2: w', 2],
      ['notice', 'note r3: n', 3],
    ]);
    const many = Array.from({ length: 100 }, (_, i): FailureItem => ({ name: `t${i}`, file: 'src/x.ts', line: i + 1 }));
    const v = withFailures(many, 100, 7);
    const capped = failureAnnotations(v, { cap: 500 });
    expect(capped.annotations).toHaveLength(500);
    expect(capped.leftOut).toBe(200);
  });

  it('only repository paths: relative, no "..", no URL, no drive, no control characters', () => {
    expect(repositoryPath('src/a.ts')).toBe('src/a.ts');
    expect(repositoryPath('./src/a.ts')).toBe('src/a.ts');
    expect(repositoryPath('src\\win\\a.cs')).toBe('src/win/a.cs');
    expect(repositoryPath('/home/runner/work/shop/shop/src/a.ts', '/home/runner/work/shop/shop')).toBe('src/a.ts');
    expect(repositoryPath('D:\\a\\shop\\shop\\src\\a.cs', 'D:\\a\\shop\\shop')).toBe('src/a.cs');
    // SARIF's absolute places are file: URIs
    expect(repositoryPath('file:///home/runner/work/shop/shop/src/my%20db.js', '/home/runner/work/shop/shop')).toBe('src/my db.js');
    expect(repositoryPath('file:///D:/a/shop/shop/src/a.cs', 'D:\\a\\shop\\shop')).toBe('src/a.cs');
    expect(repositoryPath('file:///home/runner/work/shop/shop/a%2F..%2F..%2Fx', '/home/runner/work/shop/shop')).toBeUndefined();
    for (const bad of ['/etc/passwd', '../secrets', 'src/../../x', 'file:///src/a.ts', 'https://evil.example/a.ts', 'C:\\x.cs', 'a\nb', '', 'a//b', 'src/./a']) {
      expect(repositoryPath(bad, '/home/runner/work/shop/shop')).toBeUndefined();
    }
  });
});

/** A verdict of `criteria` failed criteria, each with these failures (of `total` in all). */
function withFailures(kept: FailureItem[], total: number, criteria = 1): Verdict {
  const list: CriterionResult[] = Array.from({ length: criteria }, (_, i) => ({
    id: `c${i}`,
    title: `c${i}`,
    required: true,
    weight: 1,
    status: 'failed',
    reason: 'failed = 1, expected == 0',
    expectations: ['failed == 0'],
    metrics: { failed: total },
    units: {},
    checks: [],
    evidence: [],
    position: { line: 3 + i, column: 5 },
    failures: { kept, total, identities: [], identitiesComplete: false },
  }));
  return { policy: 'p', decision: 'fail', score: 0, criteria: list, notEvaluated: [], waivers: [], counts: { passed: 0, failed: criteria, missing: 0, 'not-applicable': 0, waived: 0 }, summary: 'x' };
}

/** Pieces that mean something to Markdown, HTML, the runner or a terminal, and any code point. */
const TRICKY = [
  '@octocat', '#1', 'GH-1', 'owner/repo#2', 'https://evil.example', 'www.evil.example', '[x](http://e.x)', '![i](http://e.x/i.png)', '<img src=x>', '<!--', '-->',
  '</details>', '`', '|', '\\', '*', '_', '~', '$', '$$', '&#64;', '&amp;', ':', '::error::x', '##[warning]', '\n', '\r\n', '\u2028', '\u0085', '\u001b[31m',
  '\u0000', '\u202e', '\u2066', '\u200b', '\u200d', '\ud800', '- ', '1. ', '> ', '# ', '---', ' ', '\t',
];
const hostile = fc.array(fc.oneof(fc.constantFrom(...TRICKY), fc.string({ unit: 'binary', maxLength: 3 })), { maxLength: 20 }).map((p) => p.join(''));
const hostileItem = fc.record(
  {
    suite: hostile,
    name: hostile,
    file: hostile,
    line: fc.integer({ min: -2, max: 100_000 }),
    message: hostile,
    level: fc.constantFrom('error' as const, 'warning' as const, 'note' as const),
  },
  { requiredKeys: ['name'] },
);

describe('whatever a failing test says (property)', () => {
  it('the comment keeps one list item per test, with no link, image, mention, HTML or math of its own', () => {
    fc.assert(
      fc.property(fc.array(hostileItem, { minLength: 1, maxLength: 12 }), (items) => {
        const md = renderMarkdown(withFailures(items, items.length + 3));
        const tree = parse(md);
        const lists = nodes(tree, 'list') as List[];
        expect(lists).toHaveLength(1);
        expect(lists[0]!.children).toHaveLength(Math.min(items.length, 10) + 1);
        expect(textOf(lists[0]!.children.at(-1)!)).toBe(`… and ${items.length + 3 - Math.min(items.length, 10)} more`);
        expect(nodes(tree, 'link')).toEqual([]);
        expect(nodes(tree, 'image')).toEqual([]);
        expect(nodes(tree, 'heading')).toHaveLength(2); // the title and "Failed"
        const html = new Set(nodes(tree, 'html').map((n) => (n as { value: string }).value));
        for (const h of html) expect(['<br>', '<sub>', '</sub>', '<span>', '</span>']).toContain(h);
        const text = nodes(tree, 'text').map((n) => (n as { value: string }).value).join(' ');
        expect(text).not.toMatch(/@[A-Za-z0-9]|#[0-9]|https?:\/\/|www\./);
        // a code span never renders math; outside them every $ sits alone in a span
        expect(md.replace(/<span>&#36;<\/span>/g, '').replace(/`[^`]*`/g, '')).not.toContain('$');
        expect(md).not.toMatch(/[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/);
      }),
      { numRuns: 300 },
    );
  });

  it('the CLI text starts no workflow command and breaks no line', () => {
    fc.assert(
      fc.property(fc.array(hostileItem, { minLength: 1, maxLength: 6 }), (items) => {
        const text = renderText(withFailures(items, items.length));
        expect(commandsIn(text)).toEqual([]);
        // eslint-disable-next-line no-control-regex
        expect(text).not.toMatch(/[\r\u2028\u2029\u0085\u001b\u202e]/);
        // the head, reason, "N findings:" and one line per shown item
        const failed = text.split('\n').filter((l) => l.startsWith('               ✗ '));
        expect(failed).toHaveLength(Math.min(items.length, 5));
      }),
      { numRuns: 300 },
    );
  });

  it('annotations go only to repository paths and show what they hide', () => {
    fc.assert(
      fc.property(fc.array(hostileItem, { minLength: 1, maxLength: 12 }), (items) => {
        for (const a of failureAnnotations(withFailures(items, items.length)).annotations) {
          // eslint-disable-next-line no-control-regex
          expect(a.path).not.toMatch(/^\/|^[a-z][a-z0-9+.-]*:|(^|\/)\.\.?(\/|$)|\/\/|[\u0000-\u001f\u007f\\]/i);
          expect(a.start_line).toBeGreaterThanOrEqual(1);
          expect(Number.isInteger(a.start_line)).toBe(true);
          expect(a.title.length).toBeLessThanOrEqual(255);
          expect(`${a.title}${a.message}`).not.toMatch(/[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u200b\ud800-\udfff]/u);
          expect(a.title).not.toMatch(/[\n\r]/);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('the JSON report keeps the text exactly (JSON escaping is its only encoding)', () => {
    fc.assert(
      fc.property(fc.array(hostileItem, { minLength: 1, maxLength: 5 }), (items) => {
        const report = JSON.parse(renderJson(withFailures(items, items.length)));
        expect(report.criteria[0].failures.kept.map((f: FailureItem) => f.name)).toEqual(items.map((i) => i.name));
      }),
      { numRuns: 100 },
    );
  });
});
