import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatPolicyError, loadPolicy, type Policy } from '../../src/policy/load.js';
import { FORMAT_NAMES } from '../../src/readers/index.js';

const FULL = `version: 1
name: release-gate
min-score: 80
profiles:
  staging:    { min-score: 65 }
  production: { min-score: 85, branches: ["release/*"] }
criteria:
  - id: unit-tests
    title: Unit tests pass
    group: Core
    required: true
    weight: 3
    profiles: [production]
    max-age: 7d
    evidence:
      artifact: "test-results-*"
      path: "**/*.xml"
      format: junit
    expect:
      failed: "== 0"
      tests: ">= 500"
  - id: soak
    evidence: { path: "soak/*.json", format: json }
    metrics:
      rss_growth: { path: "$.rss.growth_pct", unit: "%" }
      duration:   { path: "$.duration_s", unit: s }
    expect:
      rss_growth: "<= 1%"
      duration: ">= 2h"
  - id: sanitizers
    required: false
    evidence: { path: "logs/*.log", format: text }
    metrics:
      leaks: { count: "ERROR: LeakSanitizer" }
      ops:   { capture: "sustained ([0-9.]+) ops/s" }
    expect:
      leaks: "== 0"
      ops: ">= 13000"
`;

function load(text: string): Policy {
  const result = loadPolicy(text, 'policy.yml');
  if (!result.ok) throw new Error(result.errors.map(formatPolicyError).join('\n'));
  return result.policy;
}

function errors(text: string, file = 'policy.yml'): string[] {
  const result = loadPolicy(text, file);
  if (result.ok) throw new Error('expected the policy to be rejected');
  return result.errors.map(formatPolicyError);
}

/** A one-criterion policy with the criterion's body replaced. */
function criterion(body: string): string {
  return `version: 1\ncriteria:\n  - id: c1\n${body.replace(/^/gm, '    ')}\n`;
}

describe('loading a valid policy', () => {
  it('reads every field of the issue example, with positions', () => {
    const policy = load(FULL);
    expect(policy.name).toBe('release-gate');
    expect(policy.minScore).toBe(80);
    expect(policy.profiles).toEqual([
      { name: 'staging', minScore: 65 },
      { name: 'production', minScore: 85, branches: ['release/*'] },
    ]);
    const [unit, soak, sanitizers] = policy.criteria;
    expect(unit).toMatchObject({
      id: 'unit-tests',
      title: 'Unit tests pass',
      group: 'Core',
      required: true,
      weight: 3,
      profiles: ['production'],
      maxAge: '7d',
      maxAgeMs: 7 * 86_400_000,
      evidence: { artifact: 'test-results-*', path: '**/*.xml', format: 'junit' },
      position: { line: 8, column: 5 },
    });
    expect(unit!.expect.map((e) => [e.metric, e.expectation.op, e.expectation.value, e.unit, e.position.line])).toEqual([
      ['failed', '==', 0, undefined, 20],
      ['tests', '>=', 500, undefined, 21],
    ]);
    expect(soak).toMatchObject({ id: 'soak', title: 'soak', required: true, weight: 1, position: { line: 22, column: 5 } });
    expect(soak!.expect.map((e) => [e.metric, e.unit])).toEqual([
      ['rss_growth', '%'],
      ['duration', 's'],
    ]);
    expect(sanitizers!.required).toBe(false);
    expect(sanitizers!.metrics).toEqual({ leaks: { count: 'ERROR: LeakSanitizer' }, ops: { capture: 'sustained ([0-9.]+) ops/s' } });
  });

  it('defaults the name and accepts JSON', () => {
    const policy = load(JSON.stringify({ version: 1, criteria: [{ id: 'a', evidence: { path: 'x.xml', format: 'junit' }, expect: { files: '>= 1' } }] }));
    expect(policy.name).toBe('release-gate');
    expect(policy.minScore).toBeUndefined();
    expect(policy.criteria[0]!.expect[0]).toMatchObject({ metric: 'files', unit: undefined });
  });

  it('knows junit durations are seconds and k6 metric units come from the evidence', () => {
    const policy = load(`version: 1
criteria:
  - id: t
    evidence: { path: a.xml, format: junit }
    expect: { duration: "<= 10m" }
  - id: k
    evidence: { path: k6.json, format: k6 }
    expect: { http_req_duration.p95: "<= 500ms" }
`);
    expect(policy.criteria.map((c) => c.expect[0]!.unit)).toEqual(['s', 'dynamic']);
  });
});

describe('policy errors are FILE:LINE:COL: message', () => {
  it('an unknown top-level key, with did-you-mean', () => {
    expect(errors(`version: 1\nmin_score: 80\ncriteria: []\n`)).toEqual([
      'policy.yml:2:1: unknown key "min_score" (did you mean "min-score"?); allowed: $schema, version, name, min-score, path-map, trend-in-comment, profiles, criteria, waiver-max-days, waivers',
      'policy.yml:3:11: criteria: a policy needs at least one criterion',
    ]);
  });

  it('an unknown criterion key, with did-you-mean', () => {
    expect(errors(criterion('requird: false\nevidence: { path: a.xml, format: junit }\nexpect: { failed: "== 0" }'))).toEqual([
      'policy.yml:4:5: criteria[0]: unknown key "requird" (did you mean "required"?); allowed: id, title, group, required, weight, profiles, max-age, evidence, metrics, expect, paths, baseline',
    ]);
  });

  it('an unknown evidence key and an unknown format', () => {
    expect(errors(criterion('evidence: { paht: a.xml, format: junitxml }\nexpect: { failed: "== 0" }'))).toEqual([
      'policy.yml:4:15: criteria[0].evidence: missing required key "path"',
      'policy.yml:4:17: criteria[0].evidence: unknown key "paht" (did you mean "path"?); allowed: artifact, path, format',
      `policy.yml:4:38: criteria[0].evidence.format: format must be one of ${FORMAT_NAMES.join(', ')}`,
    ]);
  });

  it('a missing evidence block', () => {
    expect(errors(criterion('expect: { failed: "== 0" }'))).toEqual(['policy.yml:3:5: criteria[0]: missing required key "evidence"']);
  });

  it('a bad id, a duplicate id and a zero weight', () => {
    const text = `version: 1
criteria:
  - id: Unit Tests
    evidence: { path: a.xml, format: junit }
    expect: { failed: "== 0" }
  - id: same
    evidence: { path: a.xml, format: junit }
    expect: { failed: "== 0" }
  - id: same
    weight: 0
    evidence: { path: a.xml, format: junit }
    expect: { failed: "== 0" }
`;
    expect(errors(text)).toEqual([
      'policy.yml:3:9: criteria[0].id: id must be lowercase letters, digits, "-" and "_", starting with a letter or digit',
      'policy.yml:9:9: criteria[2].id: duplicate id "same" (also criterion 2); ids must be unique',
      'policy.yml:10:13: criteria[2].weight: weight must be greater than 0',
    ]);
    expect(errors(text.replace('Unit Tests', 'unit').replace('weight: 0', 'weight: 2'))).toEqual([
      'policy.yml:9:9: criteria[2].id: duplicate id "same" (also criterion 2); ids must be unique',
    ]);
  });

  it('an undeclared profile', () => {
    const text = `version: 1
profiles:
  staging: { min-score: 60 }
criteria:
  - id: a
    profiles: [production]
    evidence: { path: a.xml, format: junit }
    expect: { failed: "== 0" }
`;
    expect(errors(text)).toEqual(['policy.yml:6:16: criteria[0].profiles[0]: profile "production" is not declared under profiles (declared: staging)']);
  });

  it('unreadable expectations and unknown metrics', () => {
    expect(errors(criterion('evidence: { path: a.xml, format: junit }\nexpect:\n  failed: "= 0"\n  failurs: "== 0"\n  tests: 5'))).toEqual([
      'policy.yml:8:14: criteria[0].expect.tests: an expectation is a string such as ">= 90%" (quote it in YAML), or a list of them',
    ]);
    expect(errors(criterion('evidence: { path: a.xml, format: junit }\nexpect:\n  failed: "= 0"\n  failurs: "== 0"'))).toEqual([
      'policy.yml:6:15: criteria[0].expect.failed: cannot read the expectation "= 0": write "<op> <value>[unit]" with op one of == != <= >= < >, e.g. ">= 90%" or "<= 50ms"',
      'policy.yml:7:16: criteria[0].expect.failurs: junit evidence has no metric "failurs" (did you mean "failures"?); it has: files, tests, passed, failed, failures, errors, skipped, flaky, duration, failed.new, failed.fixed',
    ]);
  });

  it('a unit that does not fit the metric', () => {
    expect(errors(criterion('evidence: { path: a.xml, format: junit }\nexpect:\n  duration: "<= 5 MB"\n  failed: "== 0%"'))).toEqual([
      'policy.yml:6:17: criteria[0].expect.duration: duration: unit "MB" does not fit the metric, which is duration in s',
      'policy.yml:7:15: criteria[0].expect.failed: failed: the metric is a plain count; remove the unit "%"',
    ]);
  });

  it('named metrics: wrong kind for the format, missing kind, bad regex, bad JSONPath, unnamed expectation', () => {
    expect(
      errors(
        criterion(`evidence: { path: a.json, format: json }
metrics:
  a: { count: "x" }
  b: { unit: "%" }
  c: { path: "$..[?(" }
expect:
  d: "== 0"`),
      ),
    ).toEqual([
      'policy.yml:6:19: criteria[0].metrics.a.count: "count" metrics need format text; this criterion reads json',
      'policy.yml:7:10: criteria[0].metrics.b: metric "b" needs exactly one of path, count, capture',
      expect.stringMatching(/^policy\.yml:8:18: criteria\[0\]\.metrics\.c\.path: invalid JSONPath "\$\.\.\[\?\(": Expected .* but end of input found\.$/),
      'policy.yml:10:10: criteria[0].expect.d: json evidence has no metric "d" — name it under metrics first; it has: files, a, b, c',
    ]);
    expect(errors(criterion('evidence: { path: a.log, format: text }\nmetrics:\n  a: { count: "(a" }\n  b: { capture: "no group" }\nexpect:\n  a: "== 0"'))).toEqual([
      'policy.yml:6:19: criteria[0].metrics.a.count: invalid regex "(a": error parsing regexp: missing closing ): `(a`',
      'policy.yml:7:21: criteria[0].metrics.b.capture: capture regex "no group" has no group; put the number in one, e.g. "sustained ([0-9.,]+) ops/s"',
    ]);
  });

  it('a bad max-age and a path leaving the evidence directory', () => {
    expect(errors(criterion('max-age: 7 days\nevidence: { path: ../secrets/*.xml, format: junit }\nexpect: { failed: "== 0" }'))).toEqual([
      'policy.yml:4:14: criteria[0].max-age: max-age "7 days" is not a duration such as 30m, 12h or 7d',
      'policy.yml:5:23: criteria[0].evidence.path: evidence path must stay inside the evidence directory: ".." can match ".."',
    ]);
  });

  it('version, score range and empty expect', () => {
    expect(errors('version: 2\nmin-score: 120\ncriteria:\n  - id: a\n    evidence: { path: a.xml, format: junit }\n    expect: {}\n')).toEqual([
      'policy.yml:1:10: version: version must be 1',
      'policy.yml:2:12: min-score: min-score must be at most 100',
      'policy.yml:6:13: criteria[0].expect: expect needs at least one entry, e.g. files: ">= 1"',
    ]);
  });

  it('YAML syntax errors and duplicate keys', () => {
    expect(errors('version: 1\ncriteria:\n  - id: a\n   evidence: [\n')[0]).toMatch(/^policy\.yml:4:\d+: YAML: /);
    expect(errors('version: 1\nversion: 1\ncriteria: []\n')).toEqual(['policy.yml:2:1: YAML: Map keys must be unique']);
  });

  it('an empty file and a non-map document', () => {
    expect(errors('')).toEqual(['policy.yml:1:1: the policy file is empty; start with "version: 1" and a list of criteria']);
    expect(errors('- 1\n- 2\n')[0]).toMatch(/^policy\.yml:1:1: Invalid input: expected object, received array/);
  });

  it('metric names that reach into prototypes are refused', () => {
    expect(errors(criterion('evidence: { path: a.json, format: json }\nmetrics:\n  constructor: { path: "$.a" }\nexpect:\n  constructor: "== 0"'))).toEqual([
      'policy.yml:6:7: criteria[0].metrics.constructor: this metric name is reserved',
      'policy.yml:8:7: criteria[0].expect.constructor: this metric name is reserved',
    ]);
  });

  it('an alias bomb is refused, not expanded', () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 12; i++) bomb.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
    expect(errors(`${bomb.join('\n')}\n`)[0]).toMatch(/^policy\.yml:1:1: YAML: .*[Ee]xcessive alias count/);
  });
});

describe("a newcomer's first mistakes get the fix named", () => {
  const ops = ['>=', '>', '!='] as const;

  it('an unquoted expectation says "quote the expectation", at its line, in flow and block style', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ops), fc.integer({ min: 0, max: 100 }), fc.boolean(), (op, value, flow) => {
        const expectLines = flow ? `expect: { lines: ${op} ${value}% }` : `expect:\n  lines: ${op} ${value}%`;
        const found = errors(criterion(`evidence: { path: lcov.info, format: lcov }\n${expectLines}`));
        expect(found).toHaveLength(1);
        const line = flow ? 5 : 6;
        expect(found[0]).toMatch(new RegExp(`^policy\\.yml:${line}:\\d+: `));
        if (op === '!=') expect(found[0]).toContain(`the expectation is not quoted, so YAML read "!=" as a tag: quote it, "!= ${value}%"`);
        else expect(found[0]).toContain(`quote the expectation: lines: "${op} ${value}%"`);
      }),
      { numRuns: 60 },
    );
  });

  it('a tab used for indentation is one error, at the tab, whatever follows', () => {
    const lines = FULL.split('\n');
    const indented = lines.map((l, i) => [l, i] as const).filter(([l]) => /^ +\S/.test(l));
    fc.assert(
      fc.property(fc.constantFrom(...indented), ([line, index]) => {
        const spaces = /^ +/.exec(line)![0].length;
        const broken = [...lines];
        broken[index] = `${' '.repeat(spaces - 1)}\t${line.slice(spaces)}`;
        expect(errors(broken.join('\n'))).toEqual([
          `policy.yml:${index + 1}:${spaces}: YAML: a tab indents this line; YAML allows only spaces for indentation: replace the tab with spaces`,
        ]);
      }),
      { numRuns: 40 },
    );
  });

  it('min-score: 70% hints at dropping the "%"; a quoted number at dropping the quotes', () => {
    expect(errors(`version: 1\nmin-score: 70%\n${criterion('evidence: { path: a.xml, format: junit }\nexpect: { failed: "== 0" }').slice(11)}`)).toEqual([
      'policy.yml:2:12: min-score: min-score must be a number from 0 to 100; write 70 without the "%" (the field is a percentage already)',
    ]);
    expect(errors(`version: 1\nprofiles:\n  prod: { min-score: "85.5 %" }\n${criterion('evidence: { path: a.xml, format: junit }\nexpect: { failed: "== 0" }').slice(11)}`)).toEqual([
      'policy.yml:3:22: profiles.prod.min-score: min-score must be a number from 0 to 100; write 85.5 without the "%" (the field is a percentage already)',
    ]);
    expect(errors(criterion('weight: "2"\nevidence: { path: a.xml, format: junit }\nexpect: { failed: "== 0" }'))).toEqual([
      'policy.yml:4:13: criteria[0].weight: weight must be a number; write 2 without quotes',
    ]);
  });

  it('a number field written with a decimal comma gets the spelling to use', () => {
    expect(errors(criterion('weight: 1,5\nevidence: { path: a.xml, format: junit }\nexpect: { failed: "== 0" }'))).toEqual([
      'policy.yml:4:13: criteria[0].weight: weight must be a number; 1,5 has a decimal comma: write 1.5; a policy number uses "." as the decimal point',
    ]);
  });

  it('a misspelt format gets a "did you mean"', () => {
    const found = errors(criterion('evidence: { path: a.info, format: lcovv }\nexpect: { lines: ">= 5%" }'));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^policy\.yml:4:39: criteria\[0\]\.evidence\.format: format must be one of junit, .*\blcov\b.* \(did you mean "lcov"\?\)$/);
    expect(errors(criterion('evidence: { path: a.xml, format: Junit }\nexpect: { failed: "== 0" }'))[0]).toContain('(did you mean "junit"?)');
  });
});
