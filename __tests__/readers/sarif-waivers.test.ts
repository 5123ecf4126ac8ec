/**
 * Narrow waivers of SARIF findings, the reader's part (src/readers/sarif.ts): read with the
 * policy's `rules:` / `fingerprints:` waivers, the reader tallies the counted results each set of
 * waivers matches, by level and security bucket, so the evaluation can subtract them exactly.
 *
 * The expected counts are not the reader's: codeql-extensions.sarif states in every result's
 * message what it must count as ("expect: error, high …"), and the test sums those statements per
 * rule id; valid-sarif.sarif is github/codeql-action's real test log (the CodeQL and LGTM.com runs
 * each report js/unused-local-variable at main.js:2 with the same partialFingerprints).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../src/limits.js';
import { loadPolicy } from '../../src/policy/load.js';
import { evaluate } from '../../src/verdict/evaluate.js';
import { identityOf } from '../../src/readers/identity.js';
import { sarif, sarifWaivable, type SarifModel } from '../../src/readers/sarif.js';
import type { FindingWaiverScope, Waivable } from '../../src/readers/types.js';
import { bytesSource, CONFORMANCE, context, fileSource, FIXTURES } from '../helpers/evidence.js';

const EXTENSIONS = path.join(FIXTURES, 'sarif/codeql-extensions.sarif');
const CODEQL_ACTION = path.join(CONFORMANCE, 'sarif/codeql-action/valid-sarif.sarif');

const read = (file: string, waivers?: FindingWaiverScope[], chunk = 512): Promise<SarifModel> =>
  sarif.read(fileSource(file, chunk), { ...context(path.basename(file)), ...(waivers && { waivers }) });

type Counts = Record<string, number>;
const ZERO: Counts = {
  results: 0,
  error: 0,
  warning: 0,
  note: 0,
  'security.critical': 0,
  'security.high': 0,
  'security.medium': 0,
  'security.low': 0,
  'security.unrated': 0,
};

/** The sets of a tally as "0,3" → counts, for comparison. */
function bySet(w: Waivable): Record<string, Counts> {
  return Object.fromEntries(w.sets.map((s) => [s.scopes.join(','), s.metrics]));
}

/**
 * The oracle: what each counted result of codeql-extensions.sarif must count as, from its message
 * ("expect: error, high (…)"; "severity 0.0 counts in no bucket" is rated, so not unrated).
 */
function statedCounts(match: (ruleId: string | undefined) => boolean): Counts {
  const log = JSON.parse(readFileSync(EXTENSIONS, 'utf8')) as { runs: { results: { ruleId?: string; rule?: { id?: string }; message: { text: string } }[] }[] };
  const out = { ...ZERO };
  for (const run of log.runs) {
    for (const r of run.results) {
      const m = /^expect: (error|warning|note|none|not counted)(?:, (critical|high|medium|low))?/.exec(r.message.text)!;
      if (m[1] === 'not counted' || !match(r.ruleId ?? r.rule?.id)) continue;
      out.results!++;
      if (m[1] !== 'none') out[m[1]!]!++;
      if (m[2] !== undefined) out[`security.${m[2]}`]!++;
      else if (!r.message.text.includes('severity 0.0')) out['security.unrated']!++;
    }
  }
  return out;
}

describe('sarif: what narrow waivers match', () => {
  it('rules: each set of waivers gets the exact counts of its results, by level and security bucket; rule ids match exactly', async () => {
    const scopes: FindingWaiverScope[] = [
      { rules: ['js/sql-injection'] },
      { rules: ['react/no-danger/1'] }, // a sub-rule, named as the result names it
      { rules: ['js/code-injection', 'no-such-rule'] },
      { rules: ['js/sql-injection'] }, // the same rule again: its results are matched by 0 and 3
      { rules: ['react/no-danger', 'js', 'js/sql-injection/x'] }, // no parent, prefix or child matches
    ];
    const model = await read(EXTENSIONS, scopes);
    const w = sarifWaivable(model)!;
    expect(w.inexact).toBeUndefined();
    expect(w.scopes).toEqual(scopes);
    expect(bySet(w)).toEqual({
      '0,3': statedCounts((id) => id === 'js/sql-injection'),
      '1': statedCounts((id) => id === 'react/no-danger/1'),
      '2': statedCounts((id) => id === 'js/code-injection'),
    });
    // spelled out: the two sql-injection results are an error and a warning, both high;
    // code-injection's are an error rated medium by its own 4.0 and one critical by its rule's 9.3
    expect(bySet(w)['0,3']).toEqual({ ...ZERO, results: 2, error: 1, warning: 1, 'security.high': 2 });
    expect(bySet(w)['2']).toEqual({ ...ZERO, results: 2, error: 2, 'security.critical': 1, 'security.medium': 1 });
    expect(bySet(w)['1']).toEqual({ ...ZERO, results: 1, error: 1, 'security.unrated': 1 });
    // the counts of the whole log do not change
    expect(sarif.metrics(model)).toEqual(sarif.metrics(await read(EXTENSIONS)));
    // each finding kept for the report carries its set, in the same order as failures().kept
    const kept = sarif.failures!(model).kept;
    expect(kept.map((k, j) => [k.suite, w.kept[j]])).toEqual(
      kept.map((k) => [k.suite, k.suite === 'js/sql-injection' ? [0, 3] : k.suite === 'react/no-danger/1' ? [1] : k.suite === 'js/code-injection' ? [2] : []]),
    );
    // every matched result has an identity, listed with its set
    expect(w.identities).toHaveLength(5);
    expect(w.identities.every((x) => x.sets.length === 1 && x.sets[0]!.length > 0)).toBe(true);
  });

  it('fingerprints: "key=value" of partialFingerprints; the same finding in two runs is one identity, two results', async () => {
    const print = 'primaryLocationLineHash=39fa2ee980eb94b0:1';
    const model = await read(CODEQL_ACTION, [{ fingerprints: [print] }, { fingerprints: ['primaryLocationLineHash=39fa2ee980eb94b0'] }, { fingerprints: ['39fa2ee980eb94b0:1'.replace(/^/, 'otherKey=')] }]);
    const w = sarifWaivable(model)!;
    // the rules are notes without security-severity
    expect(bySet(w)).toEqual({ '0': { ...ZERO, results: 2, note: 2, 'security.unrated': 2 } });
    const foo = identityOf(['js/unused-local-variable', 'primaryLocationLineHash=39fa2ee980eb94b0:1', 'primaryLocationStartColumnFingerprint=4']);
    expect(w.identities).toEqual([{ id: foo, sets: [[0]] }]);
    expect(sarif.metrics(model)).toMatchObject({ results: { value: 3 }, note: { value: 3 } });
  });

  it('rules and fingerprints in one waiver: both must match; fingerprints are read for every result, also once the findings shown are full', async () => {
    // 450 results of two rules at two fingerprints each: more than the findings kept (100 a level)
    const results = Array.from({ length: 450 }, (_, i) => ({
      ruleId: i % 2 === 0 ? 'A' : 'B',
      level: ['error', 'warning', 'note'][i % 3]!,
      message: { text: `r${i}` },
      partialFingerprints: { hash: i % 4 < 2 ? 'h1' : 'h2' },
      fingerprints: { 'matchBasedId/v1': `m${i}` },
    }));
    const text = JSON.stringify({ version: '2.1.0', runs: [{ tool: { driver: { name: 'T' } }, results }] });
    const scopes = [{ rules: ['A'], fingerprints: ['hash=h1'] }, { fingerprints: ['matchBasedId/v1=m449', 'matchBasedId/v1=m0'] }];
    const w = sarifWaivable(await sarif.read(bytesSource(text, 64), { ...context('x.sarif'), waivers: scopes }))!;
    // with room for 5 identities, the log stops building messages and locations once 100 of each
    // level are kept: the fingerprints are still read, and the tally is the same
    const few = await sarif.read(bytesSource(text, 64), { ...context('x.sarif'), limits: { ...LIMITS, failingIdentities: 5 }, waivers: scopes });
    expect(few.identities.complete).toBe(false);
    expect(sarifWaivable(few)!.sets).toEqual(w.sets);
    const want: Record<string, Counts> = {};
    results.forEach((r, i) => {
      const set = [r.ruleId === 'A' && r.partialFingerprints.hash === 'h1' && 0, (i === 449 || i === 0) && 1].filter((x) => x !== false).join(',');
      if (set === '') return;
      const c = (want[set] ??= { ...ZERO });
      c.results!++;
      c[r.level]!++;
      c['security.unrated']!++;
    });
    expect(want['0,1']!.results).toBe(1); // result 0: rule A at h1, and named by matchBasedId
    expect(bySet(w)).toEqual(want);
    expect(w.inexact).toBeUndefined();
  });

  it('merges the tallies of several logs of one criterion', async () => {
    const scopes = [{ rules: ['js/unused-local-variable'] }];
    const a = await read(CODEQL_ACTION, scopes);
    const b = await read(EXTENSIONS, scopes);
    const w = sarifWaivable(sarif.merge([a, b]))!;
    // 2 notes in the CodeQL action log; in codeql-extensions.sarif a note and a kind-pass result (level none)
    expect(bySet(w)).toEqual({ '0': { ...ZERO, results: 4, note: 3, 'security.unrated': 4 } });
  });

  it('more distinct (rule, fingerprint) tallies than WAIVER_SETS: inexact, said, and the verdict waives nothing', async () => {
    // 10,001 rules, each with one error at the waived fingerprint
    const results = Array.from({ length: 10_001 }, (_, i) => ({ ruleId: `R${i}`, level: 'error', partialFingerprints: { h: 'x' } }));
    const text = JSON.stringify({ version: '2.1.0', runs: [{ tool: { driver: { name: 'T' } }, results }] });
    const model = await sarif.read(bytesSource(text, 65_536), { ...context('many.sarif'), waivers: [{ fingerprints: ['h=x'] }] });
    const w = sarifWaivable(model)!;
    expect(w.inexact).toBe('the waived fingerprints fall into more than 10000 distinct (rule, fingerprint) tallies');
    const policy = loadPolicy(
      'version: 1\ncriteria:\n  - id: scan\n    evidence: { path: many.sarif, format: sarif }\n    expect: { error: "== 0" }\nwaivers:\n  - { criterion: scan, reason: r, expires: "2026-12-01", fingerprints: ["h=x"] }\n',
      'gate.yml',
    );
    if (!policy.ok) throw new Error('policy');
    const evidence = { files: [], metrics: sarif.metrics(model), failures: sarif.failures!(model), waivable: w };
    const v = evaluate(policy.policy, undefined, new Map([['scan', evidence]]), new Date('2026-11-26T12:00:00Z'));
    expect(v.criteria[0]).toMatchObject({ status: 'failed', metrics: { error: 10_001 } });
    expect(v.criteria[0]!.reason).toContain('(waiver on policy line 7 not applied: the waived fingerprints fall into more than 10000 distinct');
    expect(v.waivers[0]).toMatchObject({ state: 'unused' });
  });

  it('without waivers the model carries no tally', async () => {
    expect(sarifWaivable(await read(EXTENSIONS))).toBeUndefined();
    expect(await read(EXTENSIONS)).not.toHaveProperty('waivers');
  });
});
