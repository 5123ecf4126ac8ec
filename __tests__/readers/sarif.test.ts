import { closeSync, openSync, statSync, writeSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../src/limits.js';
import { EvidenceError } from '../../src/measure.js';
import { FailingIdentities } from '../../src/readers/identity.js';
import { sarif, type SarifModel } from '../../src/readers/sarif.js';
import { MB, runCliBounded } from '../helpers/bounded.js';
import { bytesSource, CONFORMANCE, context, evidenceError, fileSource, FIXTURES, manifest } from '../helpers/evidence.js';

const read = (file: string): Promise<SarifModel> => sarif.read(fileSource(file, 512), context(path.basename(file)));
const readText = (text: string): Promise<SarifModel> => sarif.read(bytesSource(text), context('inline.sarif'));

const counts = (partial: Partial<SarifModel>): SarifModel => ({
  results: 0,
  error: 0,
  warning: 0,
  note: 0,
  critical: 0,
  high: 0,
  medium: 0,
  low: 0,
  unrated: 0,
  rated: false,
  // the findings kept are asserted on their own (sarif: top findings)
  findings: expect.anything() as SarifModel['findings'],
  // the identities likewise (sarif: identities)
  identities: expect.anything() as SarifModel['identities'],
  ...partial,
});

const rejection = evidenceError;

/**
 * Every SARIF file of the conformance corpus. None has an upstream count oracle (codeql-action only
 * states schema validity), so the counts were checked independently: with jq
 * (`jq '[.runs[].results | length]'`, `jq '.runs[].tool.driver.rules[] | .defaultConfiguration'`) and a
 * separate Python re-count of the same rules, __tests__/fixtures/sarif/recount.py (level from result,
 * else rule default, else warning; skip accepted/unqualified suppressions and baselineState absent;
 * GitHub severity buckets).
 */
const CORPUS: Record<string, SarifModel | RegExp> = {
  // one error-level ESLint result
  'sarif/sarif-tutorials/simple-example.sarif': counts({ results: 1, error: 1, unrated: 1 }),
  // one run, results: []
  'sarif/sarif-tutorials/empty-log.sarif.json': counts({}),
  // 9 results, default level warning. Hidden: unqualified suppressions (2), accepted (1), accepted +
  // rejected (1), unqualified + rejected (1). Counted: unsuppressed, rejected, underReview, and
  // underReview + rejected: the sample's text calls the last one hidden, but no suppression of it was
  // accepted (an earlier version of the same sample, in microsoft/sarif-web-component, says "shown
  // because no suppression has been accepted"); a gate counts it.
  'sarif/sarif-tutorials/Suppressions.sarif': counts({ results: 4, warning: 4, unrated: 4 }),
  // absent is not counted; unchanged, updated, new are
  'sarif/sarif-tutorials/Baseline.sarif': counts({ results: 3, warning: 3, unrated: 3 }),
  // ruleIndex 0 -> TUT0001 default error; ruleIndex 1 -> TUT0002 default warning (ruleIds differ from
  // the rules' ids: the index is what SARIF resolves)
  'sarif/sarif-tutorials/DefaultRuleConfiguration.sarif': counts({ results: 2, error: 1, warning: 1, unrated: 2 }),
  'sarif/sarif-tutorials/Notifications.sarif': /executionSuccessful is false/,
  'sarif/sarif-tutorials/exceptional/Empty-runs.sarif': /no runs \("runs": \[\]\)/,
  'sarif/sarif-tutorials/exceptional/No-runs.sarif': /"runs": null/,
  'sarif/sarif-tutorials/exceptional/One-run-empty-results.sarif': counts({}),
  'sarif/sarif-tutorials/exceptional/One-run-no-results.sarif': /runs\[0\] \(CodeScanner\) has no results array/,
  'sarif/sarif-tutorials/exceptional/Catastrophic-execution-error.sarif': /runs\[0\] \(CodeScanner\): invocations\[0\]\.executionSuccessful is false/,
  // 2 runs (1 + 2 results), every rule defaultConfiguration note
  'sarif/codeql-action/valid-sarif.sarif': counts({ results: 3, note: 3, unrated: 3 }),
  // expected.schema_valid=false: "results": 42
  'sarif/codeql-action/invalid-sarif.sarif': /results is 42, not an array/,
  'sarif/codeql-action/empty-sarif.sarif': counts({}),
  // five runs that only name their tool, none with results: no scan at all
  'sarif/codeql-action/tool-names.sarif': /runs\[0\] \(CodeQL command-line toolchain\) has no results array/,
  // invalid URIs do not matter to counting; no level anywhere -> warning
  'sarif/codeql-action/with-invalid-uri.sarif': counts({ results: 1, warning: 1, unrated: 1 }),
  // 4 results at level warning; both rules have security-severity 5.3 -> medium
  'sarif/trivy/alpine-310.sarif': counts({ results: 4, warning: 4, medium: 4, rated: true }),
};

describe('sarif: conformance corpus', () => {
  const entries = manifest().filter((e) => e.format === 'sarif');

  it('covers every sarif entry of the manifest', () => {
    expect(entries.map((e) => e.path).sort()).toEqual(Object.keys(CORPUS).sort());
  });

  it.each(entries.map((e) => [e.path, e] as const))('%s', async (file, entry) => {
    const expected = CORPUS[file];
    const outcome = read(path.join(CONFORMANCE, file));
    if (expected instanceof RegExp) {
      const err = await rejection(outcome);
      expect(err.message).toMatch(expected);
    } else {
      expect(await outcome).toEqual(expected);
    }
    // the upstream oracle: schema-invalid files are rejected, schema-valid ones read
    if (entry.expected?.schema_valid === false) expect(expected).toBeInstanceOf(RegExp);
    if (entry.expected?.schema_valid === true) expect(expected).not.toBeInstanceOf(RegExp);
  });

  it('reads the same counts in tiny chunks', async () => {
    const file = path.join(CONFORMANCE, 'sarif/trivy/alpine-310.sarif');
    expect(await sarif.read(fileSource(file, 3), context('alpine-310.sarif'))).toEqual(CORPUS['sarif/trivy/alpine-310.sarif']);
  });
});

describe('sarif: rules, overrides, extensions, severities', () => {
  // Each result's message states what it must count as; tallied with
  // `jq -r '.runs[].results[].message.text' | sed -E 's/ \(.*//' | sort | uniq -c`.
  it('resolves levels and security severities like GitHub code scanning', async () => {
    const model = await read(path.join(FIXTURES, 'sarif/codeql-extensions.sarif'));
    // unrated: the note, the kind-pass result, the hierarchical react/no-danger and the rule-less one;
    // no-eval's 0.0 is a rating (no bucket)
    expect(model).toEqual(counts({ results: 12, error: 4, warning: 5, note: 1, critical: 1, high: 2, medium: 2, low: 1, unrated: 4, rated: true }));
    expect(sarif.metrics(model)).toEqual({
      results: { value: 12 },
      error: { value: 4 },
      warning: { value: 5 },
      note: { value: 1 },
      'security.critical': { value: 1 },
      'security.high': { value: 2 },
      'security.medium': { value: 2 },
      'security.low': { value: 1 },
      'security.unrated': { value: 4 },
    });
  });

  it('declares every metric it reports as a plain count', () => {
    expect(sarif.knownMetrics).toEqual(Object.fromEntries(Object.keys(sarif.metrics(counts({}))).map((k) => [k, null])));
  });

  it('merges by summing', () => {
    const none = { error: [], warning: [], note: [] };
    const a = counts({ results: 3, error: 1, warning: 2, high: 1, findings: none, identities: new FailingIdentities() });
    const b = counts({ results: 2, note: 1, low: 1, findings: none, identities: new FailingIdentities() });
    expect(sarif.merge([a, b])).toEqual(counts({ results: 5, error: 1, warning: 2, note: 1, high: 1, low: 1 }));
    expect(() => sarif.merge([])).toThrow(EvidenceError);
  });

  const log = (run: object): string => JSON.stringify({ version: '2.1.0', runs: [{ tool: { driver: { name: 'T' } }, ...run }] });

  it.each([
    [9.0, 'critical'],
    [8.99, 'high'],
    [7.0, 'high'],
    [6.9, 'medium'],
    [4.0, 'medium'],
    [3.9, 'low'],
    [0.1, 'low'],
  ] as const)('security-severity %d is %s', async (severity, bucket) => {
    const model = await readText(log({ results: [{ message: { text: 'x' }, properties: { 'security-severity': String(severity) } }] }));
    expect(model).toEqual(counts({ results: 1, warning: 1, [bucket]: 1, rated: true }));
  });

  it('keeps the rule level for kind "fail" and defaults other kinds to none', async () => {
    const model = await readText(
      log({
        tool: { driver: { name: 'T', rules: [{ id: 'R', defaultConfiguration: { level: 'error' } }] } },
        results: [
          { ruleId: 'R', kind: 'fail', message: { text: 'x' } },
          { ruleId: 'R', kind: 'informational', message: { text: 'x' } },
          { ruleId: 'R', kind: 'pass', level: 'note', message: { text: 'x' } },
        ],
      }),
    );
    // an explicit level is kept whatever the kind
    expect(model).toEqual(counts({ results: 3, error: 1, note: 1, unrated: 3 }));
  });
});

describe('sarif: tool component references', () => {
  const run = (results: object[]): string =>
    JSON.stringify({
      version: '2.1.0',
      runs: [
        {
          tool: {
            driver: { name: 'Scanner', guid: '11111111-1111-1111-1111-111111111111', rules: [{ id: 'D1', defaultConfiguration: { level: 'note' } }] },
            extensions: [
              { name: 'pack-a', guid: '22222222-2222-2222-2222-222222222222', rules: [{ id: 'A1', defaultConfiguration: { level: 'error' } }] },
              { name: 'pack-b', rules: [{ id: 'B1', properties: { 'security-severity': '7.5' } }] },
            ],
          },
          results,
        },
      ],
    });

  it('finds rules through a toolComponent guid or name, and in the driver by default', async () => {
    const model = await readText(
      run([
        { rule: { index: 0, toolComponent: { guid: '22222222-2222-2222-2222-222222222222' } }, message: { text: 'A1: error' } },
        { rule: { id: 'B1', toolComponent: { name: 'pack-b' } }, message: { text: 'B1: warning, high' } },
        { rule: { id: 'D1', toolComponent: { guid: '11111111-1111-1111-1111-111111111111' } }, message: { text: 'D1: note' } },
        { ruleId: 'D1', message: { text: 'D1: note' } },
      ]),
    );
    expect(model).toEqual(counts({ results: 4, error: 1, warning: 1, note: 2, high: 1, unrated: 3, rated: true }));
  });

  it.each([
    [{ rule: { index: 0, toolComponent: { name: 'pack-z' } } }, /toolComponent name "pack-z" is not in the run's tool/],
    [{ rule: { index: 0, toolComponent: {} } }, /toolComponent reference has no index, guid or name/],
    [{ rule: { index: 0, toolComponent: 'pack-a' } }, /toolComponent reference is not an object/],
    [{ rule: 'A1' }, /rule is not an object/],
    [{ ruleIndex: 1.5 }, /rule index 1\.5 is not an integer/],
  ])('refuses %j', async (result, message) => {
    expect((await rejection(readText(run([{ ...result, message: { text: 'x' } }])))).message).toMatch(message);
  });
});

describe('sarif: what is not evidence', () => {
  it.each([
    ['{"version": "2.1.0", "runs": [', /not valid JSON: unexpected end of the document \(2 unclosed brackets\)/],
    ['[1, 2]', /not a SARIF log: the document is not a JSON object/],
    ['{"runs": []}', /no "version"/],
    ['{"version": "2.0.0", "runs": []}', /unsupported SARIF version "2.0.0"/],
    ['{"version": "2.1.0"}', /no "runs"/],
    ['{"version": "2.1.0", "runs": {}}', /"runs" is not an array/],
    ['{"version": "2.1.0", "runs": [{"results": []}]}', /runs\[0\] has no tool\.driver/],
    ['{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "T"}}, "results": [1]}]}', /results\[0\] is not an object/],
    ['{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "T"}}, "results": [{"level": "fatal"}]}]}', /level "fatal" is not one of/],
    ['{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "T"}}, "results": [{"kind": "bad"}]}]}', /kind "bad"/],
    ['{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "T"}}, "results": [{"ruleIndex": 0}]}]}', /rule index 0 is not in the tool component's rules/],
    ['{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "T"}}, "results": [{"rule": {"index": 0, "toolComponent": {"index": 2}}}]}]}', /toolComponent index 2 is not in tool\.extensions/],
    ['{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "T"}}, "results": [{"properties": {"security-severity": "high"}}]}]}', /security-severity "high" is not a number from 0\.0 to 10\.0/],
    ['{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "T"}}, "results": [{"properties": {"security-severity": "11"}}]}]}', /security-severity "11"/],
    ['{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "T"}}, "results": [{"suppressions": [{"kind": "external", "status": "maybe"}]}]}]}', /suppression status "maybe"/],
    ['{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "T"}}, "results": [{"baselineState": "gone"}]}]}', /baselineState "gone"/],
    ['{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "T"}}, "invocations": [{"executionSuccessful": "yes"}], "results": []}]}', /executionSuccessful is not a boolean/],
    ['{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "T", "rules": [{"id": "R", "defaultConfiguration": {"level": "high"}}]}}, "results": [{"ruleId": "R"}]}]}', /defaultConfiguration\.level "high"/],
  ])('%s', async (text, message) => {
    const err = await rejection(readText(text));
    expect(err.message).toMatch(message);
  });

  it('rejects the whole log when one of its runs did not complete', async () => {
    const text = JSON.stringify({
      version: '2.1.0',
      runs: [
        { tool: { driver: { name: 'A' } }, results: [] },
        { tool: { driver: { name: 'B' } }, invocations: [{ executionSuccessful: false }], results: [] },
      ],
    });
    expect((await rejection(readText(text))).message).toMatch(/runs\[1\] \(B\): invocations\[0\]\.executionSuccessful is false/);
  });

  it('gives the line and column where the JSON broke', async () => {
    const err = await rejection(readText('{\n  "version": "2.1.0",\n  "runs": [\n    {"tool": }\n  ]\n}\n'));
    expect(err.message).toMatch(/not valid JSON: expected a JSON value, found "}"/);
    expect(err.position).toEqual({ line: 4, column: 14 });

    const trailing = await rejection(readText('{"version": "2.1.0", "runs": [],}'));
    expect(trailing.message).toMatch(/expected a double-quoted key, found "}"/);
    expect(trailing.position).toEqual({ line: 1, column: 33 });

    const garbage = await rejection(readText('{"version": "2.1.0"} x'));
    expect(garbage.message).toMatch(/unexpected "x" after the JSON value/);
    expect(garbage.position).toEqual({ line: 1, column: 22 });

    const control = await rejection(readText('{"version": "2.1\n.0"}'));
    expect(control.message).toMatch(/control character in string \(it must be escaped\)/);
    expect(control.position).toEqual({ line: 1, column: 17 });
  });

  it('refuses a key repeated where it decides a count, not where nothing is counted', async () => {
    const log = (result: string): string =>
      `{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "T", "rules": [{"id": "R", "defaultConfiguration": {"level": "note"}}]}},\n "results": [${result}]}]}`;
    const level = await rejection(readText(log('{"ruleId": "R", "level": "note", "level": "error"}')));
    expect(level.message).toBe('SARIF log is not valid JSON: duplicate key "level" in one object: which value counts would be a guess');
    expect(level.position).toEqual({ line: 2, column: 47 });
    const suppression = await rejection(readText(log('{"ruleId": "R", "suppressions": [{"status": "accepted", "status": "rejected"}]}')));
    expect(suppression.message).toMatch(/duplicate key "status"/);
    const rules = await rejection(readText('{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "T", "rules": [], "rules": [{"id": "R"}]}}, "results": []}]}'));
    expect(rules.message).toMatch(/duplicate key "rules"/);
    // the parts of messages and locations no finding shows are skipped: a repeated key there changes nothing
    const counted = await readText(log('{"ruleId": "R", "message": {"markdown": "a", "markdown": "b"}, "locations": [{"id": 1, "id": 2}]}'));
    expect(counted).toEqual(counts({ results: 1, note: 1, unrated: 1 }));
    // fingerprints name the result's identity: which one would be a guess
    const prints = await rejection(readText(log('{"ruleId": "R", "partialFingerprints": {}, "partialFingerprints": {}}')));
    expect(prints.message).toMatch(/duplicate key "partialFingerprints"/);
    // the message text is shown with the finding: which one would be a guess
    const text = await rejection(readText(log('{"ruleId": "R", "message": {"text": "a", "text": "b"}}')));
    expect(text.message).toMatch(/duplicate key "text"/);
  });

  it('checks the parts it skips: a control character in a message is still invalid JSON', async () => {
    const err = await rejection(readText('{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "T"}}, "results": [{"message": {"text": "a\u0007b"}}]}]}'));
    expect(err.message).toBe('SARIF log is not valid JSON: control character in string (it must be escaped)');
    expect(err.position).toEqual({ line: 1, column: 102 });
  });

  it('refuses JSON nested deeper than LIMITS.nestingDepth', async () => {
    const deep = `{"version": "2.1.0", "runs": [], "properties": ${'['.repeat(600)}${']'.repeat(600)}}`;
    const err = await rejection(readText(deep));
    expect(err.message).toMatch(/JSON nesting is deeper than 512 levels \(LIMITS\.nestingDepth\)/);
    expect(err.position).toEqual({ line: 1, column: 559 });
  });

  it('refuses invalid UTF-8 and empty input', async () => {
    expect((await rejection(sarif.read(bytesSource(new Uint8Array([0x7b, 0xff, 0x7d])), context('x')))).message).toMatch(/not valid UTF-8/);
    expect((await rejection(readText(''))).message).toMatch(/not valid JSON/);
  });
});

describe('sarif: results that name a rule the run does not define', () => {
  const log = (tool: object, results: object[]): string => JSON.stringify({ version: '2.1.0', runs: [{ tool, results }] });
  const critical = { id: 'js/code-injection', defaultConfiguration: { level: 'error' }, properties: { 'security-severity': '9.8' } };

  it('refuses a ruleId with a typo, naming the result, the id and what to do', async () => {
    const text = log({ driver: { name: 'Scanner', rules: [critical] } }, [
      { ruleId: 'js/code-injection', message: { text: 'ok' } },
      { ruleId: 'js/code-injectoin', message: { text: 'typo' } },
      { ruleId: 'js/code-injectoin', message: { text: 'typo again' } },
    ]);
    const err = await rejection(readText(text));
    expect(err.message).toMatch(/^runs\[0\] \(Scanner\)\.results\[1\] \(and 1 more results\): ruleId "js\/code-injectoin" names no rule of tool\.driver; no component of the run defines it/);
    expect(err.message).toMatch(/fix the producer so that every result's rule is in the log/);
  });

  it('refuses a result whose rule lives only in tool.extensions[] when it has no rule.toolComponent (SARIF looks in the driver)', async () => {
    const text = log({ driver: { name: 'CodeQL', rules: [] }, extensions: [{ name: 'codeql/javascript-queries', rules: [critical] }] }, [
      { rule: { id: 'js/code-injection', index: 0, toolComponent: { index: 0 } }, message: { text: 'resolved' } },
      { ruleId: 'js/code-injection', message: { text: 'no toolComponent' } },
    ]);
    const err = await rejection(readText(text));
    expect(err.message).toMatch(
      /^runs\[0\] \(CodeQL\)\.results\[1\]: ruleId "js\/code-injection" names no rule of tool\.driver; the rule is in tool\.extensions\[0\] \("codeql\/javascript-queries"\), but the result has no rule\.toolComponent pointing there/,
    );
    // the same result with its toolComponent is read, critical
    const fixed = log({ driver: { name: 'CodeQL', rules: [] }, extensions: [{ name: 'codeql/javascript-queries', rules: [critical] }] }, [
      { rule: { id: 'js/code-injection', toolComponent: { name: 'codeql/javascript-queries' } }, message: { text: 'x' } },
    ]);
    expect(await readText(fixed)).toEqual(counts({ results: 1, error: 1, critical: 1, rated: true }));
  });

  it('refuses a rule guid or an id sought in a named component that has no such rule', async () => {
    const tool = { driver: { name: 'T', rules: [{ id: 'R', guid: 'aaaaaaaa-0000-0000-0000-000000000000' }] }, extensions: [{ name: 'pack', rules: [] }] };
    expect((await rejection(readText(log(tool, [{ rule: { guid: 'bbbbbbbb-0000-0000-0000-000000000000' } }])))).message).toMatch(
      /results\[0\]: rule guid "bbbbbbbb-0000-0000-0000-000000000000" names no rule of tool\.driver/,
    );
    expect(await readText(log(tool, [{ rule: { guid: 'aaaaaaaa-0000-0000-0000-000000000000' }, level: 'note' }]))).toEqual(counts({ results: 1, note: 1, unrated: 1 }));
    expect((await rejection(readText(log(tool, [{ rule: { id: 'R', toolComponent: { name: 'pack' } } }])))).message).toMatch(
      /results\[0\]: ruleId "R" names no rule of the tool component \{"name":"pack"\}/,
    );
    expect((await rejection(readText(log(tool, [{ ruleId: 7 }])))).message).toMatch(/results\[0\]: ruleId 7 is not a string/);
  });

  it('reads an undefined rule that decides nothing (ESLint: a rule without metadata, the result with its own level, no severity anywhere)', async () => {
    // @microsoft/eslint-formatter-sarif writes the ruleId but no rule when rulesMeta has none for it
    const eslint = { driver: { name: 'ESLint', rules: [{ id: 'no-eval', helpUri: 'https://eslint.org/docs/rules/no-eval' }] } };
    const results = [
      { ruleId: 'no-eval', level: 'error', message: { text: 'eval can be harmful.' } },
      { ruleId: 'custom/no-secrets', level: 'error', message: { text: 'a rule without metadata' } },
    ];
    const model = await readText(log(eslint, results));
    expect(model).toEqual(counts({ results: 2, error: 2, unrated: 2 }));
    expect('security.critical' in sarif.metrics(model)).toBe(false);
    // in a run that rates severities, the missing rule's severity would be a guess
    const rated = { driver: { name: 'ESLint', rules: [{ id: 'no-eval', properties: { 'security-severity': '8.0' } }] } };
    expect((await rejection(readText(log(rated, results)))).message).toMatch(
      /results\[1\]: ruleId "custom\/no-secrets" names no rule of tool\.driver; .*The rule would give the security-severity of a result in a run that rates severities, which cannot be known/,
    );
    // and without its own level, the level would be
    expect((await rejection(readText(log(eslint, [{ ruleId: 'custom/no-secrets', message: { text: 'x' } }])))).message).toMatch(
      /The rule would give the level of a result that has none of its own, which cannot be known/,
    );
  });

  it('reads a result with no rule at all, and a ruleId in a run that defines no rule anywhere, as unrated', async () => {
    // sarif-tutorials' Baseline and Suppressions samples name rule TUT1001 and define no rule: nothing could be missed
    const text = log({ driver: { name: 'Hadolint' } }, [
      { ruleId: 'DL3008', level: 'warning', message: { text: 'pin versions' } },
      { ruleId: 'DL3059', message: { text: 'no level' } },
      { message: { text: 'no rule' }, level: 'error' },
    ]);
    expect(await readText(text)).toEqual(counts({ results: 3, warning: 2, error: 1, unrated: 3 }));
  });

  it('gives the line and column of the result that broke the count', async () => {
    const err = await rejection(readText('{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "T"}}, "results": [\n{},\n  {"level": "fatal"}]}]}'));
    expect(err.message).toBe('runs[0] (T).results[1]: level "fatal" is not one of none, note, warning, error');
    expect(err.position).toEqual({ line: 3, column: 3 });
  });
});

describe('sarif: security.* when the tool rates no severity', () => {
  it('ESLint (a real log, no security-severity anywhere): security.* absent with the reason, security.unrated counts', async () => {
    const model = await read(path.join(CONFORMANCE, 'sarif/sarif-tutorials/simple-example.sarif'));
    const metrics = sarif.metrics(model);
    expect(metrics).toEqual({ results: { value: 1 }, error: { value: 1 }, warning: { value: 0 }, note: { value: 0 }, 'security.unrated': { value: 1 } });
    const notes = sarif.notes!(model);
    expect(Object.keys(notes).sort()).toEqual(['security.critical', 'security.high', 'security.low', 'security.medium']);
    expect(notes['security.high']).toMatch(/no rule in the SARIF log declares a security-severity .*its 1 result has no security bucket — gate this tool on security\.unrated, error or results/);
  });

  it('a log with no counted result has every security count at 0 (nothing is unrated)', async () => {
    const model = await read(path.join(CONFORMANCE, 'sarif/sarif-tutorials/empty-log.sarif.json'));
    expect(sarif.metrics(model)['security.critical']).toEqual({ value: 0 });
    expect(sarif.notes!(model)).toEqual({});
  });

  it('mixed files: an unrated ESLint log merged with a rated Trivy log gives security.* and security.unrated', async () => {
    const eslint = await read(path.join(CONFORMANCE, 'sarif/sarif-tutorials/simple-example.sarif'));
    const trivy = await read(path.join(CONFORMANCE, 'sarif/trivy/alpine-310.sarif'));
    const merged = sarif.merge([eslint, trivy]);
    expect(sarif.metrics(merged)).toMatchObject({ 'security.medium': { value: 4 }, 'security.critical': { value: 0 }, 'security.unrated': { value: 1 } });
    expect(sarif.notes!(merged)).toEqual({});
    expect(sarif.notes!(sarif.merge([eslint, eslint]))['security.low']).toMatch(/its 2 results have/);
  });
});

describe('sarif: properties of rule references and ratings', () => {
  type Rule = { id: string; level?: string; severity?: number };
  const ids = fc.constantFrom('A', 'B', 'C', 'a/b', 'Z');
  const rule: fc.Arbitrary<Rule> = fc.record(
    { id: ids, level: fc.constantFrom('none', 'note', 'warning', 'error'), severity: fc.integer({ min: 0, max: 100 }).map((n) => n / 10) },
    { requiredKeys: ['id'] },
  );
  const rules = fc.array(rule, { maxLength: 3 });
  type Ref = { kind: 'none' } | { kind: 'id'; id: string; component?: number } | { kind: 'index'; index: number };
  const ref: fc.Arbitrary<Ref> = fc.oneof(
    fc.constant({ kind: 'none' as const }),
    fc.record({ kind: fc.constant('id' as const), id: ids, component: fc.option(fc.integer({ min: 0, max: 1 }), { nil: undefined }) }, { requiredKeys: ['kind', 'id'] }),
    fc.record({ kind: fc.constant('index' as const), index: fc.nat(3) }),
  );
  const result = fc.record(
    { ref, level: fc.constantFrom('none', 'note', 'warning', 'error'), severity: fc.integer({ min: 0, max: 100 }).map((n) => n / 10), stringSeverity: fc.boolean() },
    { requiredKeys: ['ref', 'stringSeverity'] },
  );
  const scenario = fc.record({ driver: rules, extensions: fc.tuple(rules, rules), results: fc.array(result, { maxLength: 8 }) });

  const toRule = (r: Rule): object => ({
    id: r.id,
    ...(r.level === undefined ? {} : { defaultConfiguration: { level: r.level } }),
    ...(r.severity === undefined ? {} : { properties: { 'security-severity': String(r.severity) } }),
  });
  const bucket = (s: number): keyof SarifModel | undefined => (s >= 9 ? 'critical' : s >= 7 ? 'high' : s >= 4 ? 'medium' : s > 0 ? 'low' : undefined);

  it('a reference to an undefined rule that would decide a count is unreadable; otherwise levels, buckets and security.unrated match an oracle', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, fc.boolean(), async ({ driver, extensions, results }, toolAfterResults) => {
        const components = [driver, ...extensions];
        const definesRules = components.some((c) => c.length > 0);
        const runRated = components.some((c) => c.some((x) => x.severity !== undefined)) || results.some((r) => r.severity !== undefined);
        const expected = counts({});
        let undefinedRule = false;
        /** the findings a reader must show: [level, message, rule id] of each counted result */
        const shown: [string, string, string | undefined][] = [];
        for (const [index, r] of results.entries()) {
          let found: Rule | undefined;
          let named = false;
          if (r.ref.kind === 'id') {
            named = true;
            const component = components[r.ref.component === undefined ? 0 : r.ref.component + 1] as Rule[];
            const id = r.ref.id;
            found = component.find((x) => x.id === id) ?? (id.includes('/') ? component.find((x) => x.id === id.slice(0, id.lastIndexOf('/'))) : undefined);
          } else if (r.ref.kind === 'index') {
            named = true;
            found = driver[r.ref.index];
            if (found === undefined) undefinedRule = true; // an index out of range is refused whatever the run defines
          }
          // an undefined rule is refused where it would decide a count: the result's level, or its
          // bucket in a run that rates severities
          if (named && found === undefined && definesRules && (r.level === undefined || (runRated && r.severity === undefined))) undefinedRule = true;
          const level = r.level ?? found?.level ?? 'warning';
          if (level !== 'none') shown.push([level, `m${index}`, r.ref.kind === 'id' ? r.ref.id : r.ref.kind === 'index' ? found?.id : undefined]);
          expected.results++;
          if (level === 'error' || level === 'warning' || level === 'note') expected[level]++;
          const severity = r.severity ?? found?.severity;
          if (severity === undefined) expected.unrated++;
          else {
            const b = bucket(severity);
            if (b !== undefined) (expected[b] as number)++;
          }
        }
        expected.rated = runRated;
        const tool = { driver: { name: 'T', rules: driver.map(toRule) }, extensions: extensions.map((e, k) => ({ name: `pack-${k}`, rules: e.map(toRule) })) };
        const text = JSON.stringify({
          version: '2.1.0',
          runs: [
            {
              // a tool written after the results: levels from rules wait for it
              ...(toolAfterResults ? {} : { tool }),
              results: results.map((r, index) => ({
                ...(r.ref.kind === 'id' ? (r.ref.component === undefined ? { ruleId: r.ref.id } : { rule: { id: r.ref.id, toolComponent: { index: r.ref.component } } }) : {}),
                ...(r.ref.kind === 'index' ? { ruleIndex: r.ref.index } : {}),
                ...(r.level === undefined ? {} : { level: r.level }),
                ...(r.severity === undefined ? {} : { properties: { 'security-severity': r.stringSeverity ? String(r.severity) : r.severity } }),
                message: { text: `m${index}` },
              })),
              ...(toolAfterResults ? { tool } : {}),
            },
          ],
        });
        const outcome = sarif.read(bytesSource(text, 64), context('p.sarif'));
        if (undefinedRule) {
          const err = await outcome.then(() => undefined, (e: unknown) => e);
          expect(err).toBeInstanceOf(EvidenceError);
          expect((err as Error).message).toMatch(/names no rule of|rule index \d is not in the tool component's rules/);
          return;
        }
        const model = await outcome;
        expect(model).toEqual(expected);
        const metrics = sarif.metrics(model);
        // security.* are absent exactly when nothing declares a severity and some result would need one
        const absent = !expected.rated && expected.unrated > 0;
        for (const name of ['security.critical', 'security.high', 'security.medium', 'security.low']) expect(name in metrics).toBe(!absent);
        expect(metrics['security.unrated']).toEqual({ value: expected.unrated });
        // the findings: errors, then warnings, then notes, each in log order
        const rank = { error: 0, warning: 1, note: 2 } as Record<string, number>;
        const order = shown.map((f, i) => ({ f, i })).sort((a, b) => (rank[a.f[0]]! - rank[b.f[0]]!) || a.i - b.i).map(({ f }) => f);
        const failures = sarif.failures!(model);
        expect(failures.total).toBe(expected.error + expected.warning + expected.note);
        expect(failures.kept.map((k) => [k.level, k.message, k.suite])).toEqual(order);
      }),
      { numRuns: 400 },
    );
  });
});

describe('sarif: bounded tallies', () => {
  it('tallies results per distinct rule reference, and refuses more distinct references than LIMITS.documentValues', async () => {
    const many = (n: number): string =>
      `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"T"}},"results":[${Array.from({ length: n }, (_, i) => `{"ruleId":"R${i}","level":"note"}`).join(',')}]}]}`;
    expect(await sarif.read(bytesSource(many(1000), 65536), context('a.sarif'))).toEqual(counts({ results: 1000, note: 1000, unrated: 1000 }));
    const err = await rejection(sarif.read(bytesSource(many(LIMITS.documentValues + 1), 65536), context('a.sarif')));
    expect(err.message).toBe(
      `runs[0] (T).results[${LIMITS.documentValues}]: the SARIF log names more than ${LIMITS.documentValues} distinct rule references (LIMITS.documentValues): each is tallied apart, and that many are refused rather than read`,
    );
  });
});

describe('sarif: top findings (failures)', () => {
  const readFindings = async (text: string, chunk = 4096) => sarif.failures!(await sarif.read(bytesSource(text, chunk), context('f.sarif')));

  it('the conformance logs: rule, name, place and message of each counted result, errors first', async () => {
    // simple-example.sarif: ESLint on Windows, an absolute file: URI (kept: the reports decide)
    expect(sarif.failures!(await read(path.join(CONFORMANCE, 'sarif/sarif-tutorials/simple-example.sarif')))).toEqual({
      total: 1,
      kept: [
        { suite: 'no-unused-vars', name: 'no-unused-vars', level: 'error', file: 'C:/dev/sarif/sarif-tutorials/samples/Introduction/simple-example.js', line: 1, message: "'x' is assigned a value but never used." },
      ],
      identities: [expect.stringMatching(/^[A-Za-z0-9_-]{11}$/)],
      identitiesComplete: true,
    });
    // Trivy: the rule's name is the short name, the CVE the rule id
    const trivy = sarif.failures!(await read(path.join(CONFORMANCE, 'sarif/trivy/alpine-310.sarif')));
    expect(trivy.total).toBe(4);
    expect(trivy.kept[0]).toEqual({ suite: 'CVE-2019-1549', name: 'OsPackageVulnerability', level: 'warning', file: 'testdata/fixtures/images/alpine-310.tar.gz', line: 1, message: 'Package: libcrypto1.1' });
    // codeql-action's log with a uri that is no URI: the finding has no place rather than a wrong one
    const invalid = sarif.failures!(await read(path.join(CONFORMANCE, 'sarif/codeql-action/with-invalid-uri.sarif')));
    expect(invalid.kept).toEqual([{ suite: 'js/unused-local-variable', name: 'js/unused-local-variable', level: 'warning', message: 'Unused variable foo.' }]);
  });

  it('what is not counted is not shown: accepted suppressions and absent baseline results', async () => {
    const suppressions = sarif.failures!(await read(path.join(CONFORMANCE, 'sarif/sarif-tutorials/Suppressions.sarif')));
    expect(suppressions.total).toBe(4);
    expect(suppressions.kept.map((k) => k.message)).toEqual([
      'This result is visible because it is not suppressed.',
      'This result is visible because its suppression was rejected.',
      'This result is visible because its suppression is still under review.',
      'This result is hidden because at least one suppression has not yet been rejected (it is still under review).',
    ]);
    const baseline = sarif.failures!(await read(path.join(CONFORMANCE, 'sarif/sarif-tutorials/Baseline.sarif')));
    expect(baseline.kept.map((k) => k.message)).toEqual(['Unchanged result.', 'Updated result.', 'New result.']);
  });

  it('levels from rules, overrides and extensions decide the order (codeql-extensions.sarif)', async () => {
    const f = sarif.failures!(await read(path.join(FIXTURES, 'sarif/codeql-extensions.sarif')));
    expect(f.total).toBe(10);
    expect(f.kept.map((k) => k.level)).toEqual(['error', 'error', 'error', 'error', 'warning', 'warning', 'warning', 'warning', 'warning', 'note']);
    expect(f.kept[0]).toEqual({ suite: 'js/sql-injection', name: 'js/sql-injection', level: 'error', file: 'src/app.js', line: 12, message: 'expect: error, high (rule default level via toolComponent 0, rule severity 8.8)' });
    // a result that names no rule
    expect(f.kept[8]).toMatchObject({ name: '(no rule)', level: 'warning', file: 'src/app.js', line: 13 });
    expect(f.kept[8]).not.toHaveProperty('suite');
  });

  const log = (results: object[], run: object = {}, rules: object[] = []): string =>
    JSON.stringify({ version: '2.1.0', runs: [{ tool: { driver: { name: 'T', rules } }, results, ...run }] });
  const at = (uri: string, extra: object = {}): object => ({ locations: [{ physicalLocation: { artifactLocation: { uri, ...extra }, region: { startLine: 7 } } }] });

  it('places: uriBaseId, file: URIs, ./ and percent-encoding', async () => {
    const run = { originalUriBaseIds: { REPO: { uri: 'file:///home/runner/work/app/' }, SRCROOT: { uri: 'src/' } } };
    const cases: [object, string | undefined][] = [
      [at('src/a.js', { uriBaseId: '%SRCROOT%' }), 'src/a.js'], // a base the run does not define: the repository's
      [at('a.js', { uriBaseId: 'REPO' }), '/home/runner/work/app/a.js'], // a base the run defines as a file: URI
      [at('./a.js', { uriBaseId: 'SRCROOT' }), 'a.js'], // a relative base: the path stays relative
      [at('file:///home/runner/work/app/b.js'), '/home/runner/work/app/b.js'],
      [at('file:///C:/src/c.cs'), 'C:/src/c.cs'],
      [at('./lib/d.py'), 'lib/d.py'],
      [at('src/my%20file.ts'), 'src/my file.ts'],
      [at('src/bad%zz.ts'), 'src/bad%zz.ts'],
      [at('not a uri'), undefined],
      [{ locations: [{ logicalLocations: [{ name: 'f' }] }] }, undefined],
      [{}, undefined],
    ];
    const f = await readFindings(log(cases.map(([place], i) => ({ level: 'error', message: { text: `r${i}` }, ...place })), run));
    expect(f.kept.map((k) => k.file)).toEqual(cases.map(([, file]) => file));
    expect(f.kept.map((k) => k.line)).toEqual(cases.map(([, file]) => (file === undefined ? undefined : 7)));
  });

  it('messages: the first line of message.text, else the rule\'s message string with its arguments, capped', async () => {
    const rules = [{ id: 'R1', name: 'NoEval', messageStrings: { default: { text: 'Call to {0} in {1}.\nMore.' }, other: { text: 'Other {5}' } } }];
    const f = await readFindings(
      log(
        [
          { ruleId: 'R1', level: 'error', message: { text: '\n  first line  \nsecond line' } },
          { ruleId: 'R1', level: 'error', message: { id: 'default', arguments: ['eval', 'main'] } },
          { ruleId: 'R1', level: 'error', message: { id: 'other', arguments: [] } },
          { ruleId: 'R1', level: 'error', message: { id: 'missing' } },
          { ruleId: 'R1', level: 'error', message: { text: 'x'.repeat(100_000) } },
        ],
        {},
        rules,
      ),
      64,
    );
    expect(f.kept.map((k) => k.name)).toEqual(['NoEval', 'NoEval', 'NoEval', 'NoEval', 'NoEval']);
    expect(f.kept.slice(0, 4).map((k) => k.message)).toEqual(['first line', 'Call to eval in main.', 'Other {5}', undefined]);
    expect(f.kept[4]!.message).toHaveLength(300);
  });

  it('keeps the first 100 of each level in log order, errors first, and counts them all', async () => {
    // 150 notes, then 30 warnings, then 120 errors: the errors are shown, though they come last
    const results = [
      ...Array.from({ length: 150 }, (_, i) => ({ level: 'note', message: { text: `note ${i}` } })),
      ...Array.from({ length: 30 }, (_, i) => ({ level: 'warning', message: { text: `warning ${i}` } })),
      ...Array.from({ length: 120 }, (_, i) => ({ level: 'error', message: { text: `error ${i}` } })),
    ];
    const f = await readFindings(log(results));
    expect(f.total).toBe(300);
    expect(f.kept.map((k) => k.message)).toEqual(Array.from({ length: 100 }, (_, i) => `error ${i}`));
    // fewer errors: warnings, then notes fill the rest
    const g = await readFindings(log(results.slice(0, 200)));
    expect(g.kept.map((k) => k.message)).toEqual([...Array.from({ length: 20 }, (_, i) => `error ${i}`), ...Array.from({ length: 30 }, (_, i) => `warning ${i}`), ...Array.from({ length: 50 }, (_, i) => `note ${i}`)]);
    // merged logs keep counting, and keep each level's first 100
    const model = await sarif.read(bytesSource(log(results)), context('a.sarif'));
    const merged = sarif.failures!(sarif.merge([model, model]));
    expect(merged.total).toBe(600);
    expect(merged.kept).toHaveLength(100);
    expect(merged.kept.every((k) => k.level === 'error')).toBe(true);
  });

  it('levels that wait for rules written after the results: kept per rule, and the errors still come first', async () => {
    // 1000 notes of rule N, then 10 errors of rule E; the tool (and so both levels) comes last
    const results = [...Array.from({ length: 1000 }, (_, i) => ({ ruleId: 'N', message: { text: `n${i}` } })), ...Array.from({ length: 10 }, (_, i) => ({ ruleId: 'E', message: { text: `e${i}` } }))];
    const text = JSON.stringify({
      version: '2.1.0',
      runs: [{ results, tool: { driver: { name: 'T', rules: [{ id: 'N', defaultConfiguration: { level: 'note' } }, { id: 'E', defaultConfiguration: { level: 'error' } }] } } }],
    });
    const f = await readFindings(text);
    expect(f.total).toBe(1010);
    expect(f.kept.map((k) => k.message)).toEqual([...Array.from({ length: 10 }, (_, i) => `e${i}`), ...Array.from({ length: 90 }, (_, i) => `n${i}`)]);
  });

  it('an override written after the results places them by the level it gives', async () => {
    const text = JSON.stringify({
      version: '2.1.0',
      runs: [
        {
          tool: { driver: { name: 'T', rules: [{ id: 'R', defaultConfiguration: { level: 'note' } }] } },
          results: [{ ruleId: 'R', message: { text: 'r' } }, { level: 'warning', message: { text: 'w' } }],
          invocations: [{ executionSuccessful: true, ruleConfigurationOverrides: [{ descriptor: { id: 'R' }, configuration: { level: 'error' } }] }],
        },
      ],
    });
    const f = await readFindings(text);
    expect(f.kept.map((k) => [k.level, k.message])).toEqual([['error', 'r'], ['warning', 'w']]);
  });
});

describe('sarif: findings are built only while some may be kept', () => {
  it('once every level has its 100 and the identities are full, later results are read for their counts only', async () => {
    const results = [
      ...['error', 'warning', 'note'].flatMap((level) => Array.from({ length: 100 }, (_, i) => ({ level, message: { text: `${level} ${i}` } }))),
      // read lean: their messages are not built (a repeated key there is not even looked at), yet they count
      ...Array.from({ length: 50 }, (_, i) => ({ level: 'error', message: { text: `late ${i}` } })),
    ];
    const text = JSON.stringify({ version: '2.1.0', runs: [{ tool: { driver: { name: 'T' } }, results }] }).replace(/"text":"late (\d+)"/g, '"text":"late $1","text":"again"');
    expect(text.match(/"text":"again"/g)).toHaveLength(50);
    // 300 identities: the 300 first results fill them (their texts differ)
    const model = await sarif.read(bytesSource(text, 4096), { ...context('lean.sarif'), limits: { ...LIMITS, failingIdentities: 300 } });
    expect(sarif.metrics(model)).toMatchObject({ results: { value: 350 }, error: { value: 150 } });
    const f = sarif.failures!(model);
    expect(f.total).toBe(350);
    expect(f.kept.map((k) => k.message)).toEqual(Array.from({ length: 100 }, (_, i) => `error ${i}`));
    expect(f.identities).toHaveLength(300);
    expect(f.identitiesComplete).toBe(false);
    // with room for every identity, the late results are built whole, and their repeated key is refused
    expect((await rejection(sarif.read(bytesSource(text, 4096), context('lean.sarif')))).message).toMatch(/duplicate key "text"/);
    // before every level is full, results are built whole: the same repeated key is refused there
    const early = JSON.stringify({ version: '2.1.0', runs: [{ tool: { driver: { name: 'T' } }, results: [{ level: 'note', message: { text: 'x' } }] }] }).replace('"text":"x"', '"text":"x","text":"y"');
    expect((await rejection(sarif.read(bytesSource(early), context('early.sarif')))).message).toMatch(/duplicate key "text"/);
  });
});

describe('sarif: bounded findings through the built CLI', () => {
  it('a 30 MB log whose tool comes after its 100,000 results: 100 findings kept, errors first, memory flat', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'rg-sarif-findings-'));
    try {
      await mkdir(path.join(dir, 'ev'));
      const fd = openSync(path.join(dir, 'ev', 'late-tool.sarif'), 'w');
      const levels = ['note', 'warning', 'error'];
      writeSync(fd, '{"version":"2.1.0","runs":[{"results":[');
      const n = 100_000;
      for (let start = 0; start < n; start += 5000) {
        const chunk = Array.from({ length: 5000 }, (_, k) => {
          const i = start + k;
          return JSON.stringify({ ruleId: `R${i % 50}`, message: { text: `Problem ${i} ${'x'.repeat(150)}` }, locations: [{ physicalLocation: { artifactLocation: { uri: `src/f${i % 300}.js`, uriBaseId: '%SRCROOT%' }, region: { startLine: 1 + (i % 400) } } }] });
        });
        writeSync(fd, (start === 0 ? '' : ',') + chunk.join(','));
      }
      const rules = Array.from({ length: 50 }, (_, k) => ({ id: `R${k}`, name: `Rule${k}`, defaultConfiguration: { level: levels[k % 3] } }));
      writeSync(fd, `],"tool":{"driver":{"name":"T","rules":${JSON.stringify(rules)}}}}]}`);
      closeSync(fd);
      const bytes = statSync(path.join(dir, 'ev', 'late-tool.sarif')).size;
      await writeFile(path.join(dir, 'gate.yml'), 'version: 1\ncriteria:\n  - id: scan\n    evidence: { path: "late-tool.sarif", format: sarif }\n    expect: { error: "== 0" }\n');
      const json = path.join(dir, 'out.json');
      const run = await runCliBounded(['check', '--policy', path.join(dir, 'gate.yml'), '--evidence', path.join(dir, 'ev'), '--json', json], { timeoutMs: 60_000 });
      expect(run.timedOut).toBe(false);
      const report = JSON.parse(await readFile(json, 'utf8')) as { criteria: { status: string; metrics: Record<string, number>; failures: { total: number; kept: { level: string; suite: string; file: string; line: number }[] } }[] };
      const c = report.criteria[0]!;
      // rules R2, R5, … R47 are errors: 16 of every 50 results
      expect(c.metrics).toMatchObject({ results: n, error: 32_000, warning: 34_000, note: 34_000 });
      expect(c.status).toBe('failed');
      expect(c.failures.total).toBe(n);
      expect(c.failures.kept).toHaveLength(100);
      expect(c.failures.kept.every((k) => k.level === 'error')).toBe(true);
      expect(c.failures.kept[0]).toMatchObject({ suite: 'R2', file: 'src/f2.js', line: 3 });
      // measured: 133 MB peak for the 33 MB file (about what the reader took before it kept findings)
      expect(run.peakRss, `peak RSS ${Math.round(run.peakRss / MB)} MB for ${Math.round(bytes / MB)} MB`).toBeLessThan(2 * bytes + 120 * MB);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
