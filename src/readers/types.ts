import type { Limits } from '../limits.js';
import type { Metrics, Unit } from '../measure.js';
import type { CoverageModel } from './coverage.js';

/** The bytes of one evidence file, as chunks; the core never opens files itself. */
export type ByteSource = AsyncIterable<Uint8Array>;

/** A policy-named metric (json, yaml and text formats). Exactly one of path, count, capture. */
export interface NamedMetricSpec {
  /** RFC 9535 JSONPath selecting exactly one number (json, yaml) */
  path?: string;
  /** text: number of matches of this regex (linear-time engine) */
  count?: string;
  /** text: first capture group of the last match, as a number */
  capture?: string;
  unit?: Unit;
}

export interface ReadContext {
  /** how the file is named in messages (path relative to the evidence root) */
  name: string;
  /** the criterion's named metrics */
  metrics: Record<string, NamedMetricSpec>;
  limits: Limits;
  /**
   * The narrow waivers of the criterion that name findings (SARIF `rules:` / `fingerprints:`), in
   * policy order: the SARIF reader tallies what each matches (CriterionEvidence.waivable).
   */
  waivers?: FindingWaiverScope[];
}

/** What a narrow waiver of SARIF findings names: rule ids, fingerprints (`key=value`), or both (both must match). */
export interface FindingWaiverScope {
  rules?: string[];
  fingerprints?: string[];
}

/**
 * What the waivers of ReadContext.waivers match in a model (sarif.ts `sarifWaivable`), so that the
 * evaluation can take the findings of the active ones out of every count exactly
 * (src/verdict/waivers.ts). A counted result belongs to one set: the indices (into `scopes`) of the
 * waivers that match it.
 */
export interface Waivable {
  /** the scopes the evidence was read with */
  scopes: FindingWaiverScope[];
  /** per set of scope indices (sorted, non-empty), the counted results matched by exactly those scopes, by metric */
  sets: Array<{ scopes: number[]; metrics: Record<string, number> }>;
  /** parallel to Failures.kept: the scope indices each item is matched by ([]: none) */
  kept: number[][];
  /**
   * the identities (Failures.identities) of counted results some scope matched, each with the sets
   * of the results that have it ([] among them: a result no scope matched)
   */
  identities: Array<{ id: string; sets: number[][] }>;
  /** why what the waivers match cannot be counted exactly (then no waiver of findings is applied) */
  inexact?: string;
}

/**
 * One evidence format. `read` turns one file into the format's own model, `merge` combines the
 * models of every file a criterion matched, `metrics` names the numbers policy authors compare.
 * Readers throw EvidenceError for anything they cannot read; they never guess.
 */
export interface Format<Model> {
  name: string;
  read(input: ByteSource, ctx: ReadContext): Promise<Model>;
  /** Several files matched: combine them, or throw EvidenceError if that is ambiguous. */
  merge(models: Model[]): Model;
  metrics(model: Model): Metrics;
  /** Why metrics the format could have yielded are absent, by metric name (shown as the reason). */
  notes?(model: Model): Record<string, string>;
  /**
   * Metric names the format always knows with their units (null = a plain count), so a policy can
   * be checked before any evidence is read. Formats with dynamic names (k6, json, yaml, text)
   * leave it out and are checked against the evidence.
   */
  knownMetrics?: Record<string, Unit | null>;
  /** Whether the format reads policy-named `metrics` (json, yaml, text). */
  namedMetrics?: 'path' | 'text';
  /** The format holds test results: zero tests ran is no evidence (verdict rule). */
  testResults?: true;
  /**
   * What a PR reader should see of what failed: the failing tests (test formats) or the top
   * findings (SARIF), bounded, with the exact total. Merged per criterion by the evidence stage.
   */
  failures?(model: Model): Failures;
  /** Coverage formats with line detail: the line-level model, for patch coverage (src/changes/patch.ts). */
  lineCoverage?(model: Model): CoverageModel;
  /**
   * The line-level model's branch ids name each branch's own source line (lcov's BRDA line, a
   * Cobertura/JaCoCo/Clover line, an Istanbul branch's start), so patch coverage counts branches.
   */
  branchLines?: true;
}

/** A failing test or a finding, by name and place (see src/readers/test-results.ts). */
export interface FailureItem {
  /** suite, class or file the producer groups a test under; a finding's rule id */
  suite?: string;
  name: string;
  file?: string;
  line?: number;
  /** the first line of the message */
  message?: string;
  /** a finding's SARIF level (error, warning, note); tests have none */
  level?: 'error' | 'warning' | 'note';
}

export interface Failures {
  /** the first ones, at most FAILING_TESTS_KEPT */
  kept: FailureItem[];
  /** how many there are in all (kept.length when every one was kept) */
  total: number;
  /** Identities of every failing test or counted finding, for comparison with a base verdict
   *  (src/readers/identity.ts): sorted, unique. */
  identities: string[];
  /** true when every failing test/finding (all `total` of them) got an identity; false when the
   *  cap LIMITS.failingIdentities was reached or the producer did not name some of them */
  identitiesComplete: boolean;
}
