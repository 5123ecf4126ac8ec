import { describe, expect, it } from 'vitest';
import { diffPolicies } from '../../src/policy/diff.js';
import { formatPolicyError, loadPolicy, type Policy } from '../../src/policy/load.js';

function policy(text: string): Policy {
  const result = loadPolicy(text, 'p.yml');
  if (!result.ok) throw new Error(result.errors.map(formatPolicyError).join('\n'));
  return result.policy;
}

const BASE = policy(`version: 1
min-score: 80
profiles:
  production: { min-score: 90 }
criteria:
  - id: tests
    weight: 3
    max-age: 1d
    evidence: { path: "*.xml", format: junit }
    expect: { failed: "== 0", tests: ">= 500" }
  - id: perf
    evidence: { path: k6.json, format: k6 }
    expect: { http_req_duration.p95: "<= 300ms" }
  - id: soak
    evidence: { path: soak.json, format: json }
    metrics: { hours: { path: "$.h", unit: h } }
    expect: { hours: ">= 2h" }
`);

describe('diffPolicies', () => {
  it('an identical policy changes nothing', () => {
    expect(diffPolicies(BASE, BASE)).toEqual({ added: [], removed: [], loosened: [], waivers: [] });
  });

  it('lists every way a pull request can weaken its gate', () => {
    const head = policy(`version: 1
min-score: 70
profiles:
  production: { min-score: 85 }
criteria:
  - id: tests
    required: false
    weight: 1
    max-age: 7d
    evidence: { path: "**/*.xml", format: junit }
    expect: { failed: "<= 3", tests: ">= 50" }
  - id: perf
    evidence: { path: k6.json, format: k6 }
    expect: { http_req_duration.p95: "<= 0.5s" }
  - id: lint
    evidence: { path: eslint.sarif, format: sarif }
    expect: { error: "== 0" }
`);
    expect(diffPolicies(BASE, head)).toEqual({
      added: ['lint'],
      removed: ['soak'],
      loosened: [
        'min-score: 80 → 70',
        'profile production min-score: 90 → 85',
        'tests: required → optional',
        'tests: weight 3 → 1',
        'tests: max-age 1d → 7d',
        'tests: evidence *.xml (junit) → **/*.xml (junit)',
        'tests: failed "== 0" → "<= 3"',
        'tests: tests ">= 500" → ">= 50"',
        'perf: http_req_duration.p95 "<= 300ms" → "<= 0.5s"',
      ],
      waivers: [],
    });
  });

  it('a tighter bar, in other units, is not a loosening', () => {
    const head = policy(BASE.criteria.length ? `version: 1
min-score: 85
profiles:
  production: { min-score: 95 }
criteria:
  - id: tests
    weight: 3
    max-age: 12h
    evidence: { path: "*.xml", format: junit }
    expect: { failed: "== 0", tests: ">= 600", duration: "<= 10m" }
  - id: perf
    evidence: { path: k6.json, format: k6 }
    expect: { http_req_duration.p95: "< 0.25s" }
  - id: soak
    evidence: { path: soak.json, format: json }
    metrics: { hours: { path: "$.h", unit: h } }
    expect: { hours: ">= 180m" }
` : '');
    expect(diffPolicies(BASE, head)).toEqual({ added: [], removed: [], loosened: [], waivers: [] });
  });

  it('a dropped expectation, a narrower profile list and > to >= at the same value are loosenings', () => {
    const base = policy(`version: 1
profiles: { staging: {}, production: {} }
criteria:
  - id: a
    evidence: { path: a.xml, format: junit }
    expect: { tests: "> 10", failed: "== 0" }
`);
    const head = policy(`version: 1
profiles: { staging: {}, production: {} }
criteria:
  - id: a
    profiles: [production]
    evidence: { path: a.xml, format: junit }
    expect: { tests: ">= 10" }
`);
    expect(diffPolicies(base, head).loosened).toEqual(['a: profiles all → production', 'a: tests "> 10" → ">= 10"', 'a: expectation failed "== 0" removed']);
  });
});
