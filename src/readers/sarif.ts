import { LIMITS } from '../limits.js';
import { EvidenceError } from '../measure.js';
import type { Metrics } from '../measure.js';
import { compileShape, readJsonDocument, streamItems, type Shape } from './json.js';
import { own } from './coverage.js';
import { FailingIdentities, identityOf } from './identity.js';
import { FAILING_TESTS_KEPT } from './test-results.js';
import type { ByteSource, FailureItem, Failures, FindingWaiverScope, Format, Waivable } from './types.js';

/**
 * SARIF 2.1.0 logs (CodeQL, Trivy, ESLint, Semgrep, ...), summed over every run of the file.
 *
 * What counts:
 * - A result counts once in `results` and once in its effective level: `result.level`, else the level
 *   a run's `invocations[].ruleConfigurationOverrides` give its rule, else the rule's
 *   `defaultConfiguration.level`, else "warning"; a result whose `kind` is not "fail" defaults to
 *   "none" instead (SARIF §3.27.10). Level "none" counts in `results` only.
 * - Suppressed results do not count: a result is suppressed when one of its `suppressions` is in
 *   effect, i.e. has no `status` or status "accepted". A suppression still "underReview" has not been
 *   accepted, so a result whose only other suppressions were rejected still counts (the sarif-tutorials
 *   sample calls that case hidden; a gate must not hide a finding nobody accepted).
 * - Results with `baselineState: "absent"` do not count: they were in the baseline and are gone.
 * - `security.*` buckets a result by its `security-severity` property (result properties, else the
 *   rule's), with GitHub code scanning's thresholds: critical >= 9.0, high >= 7.0, medium >= 4.0,
 *   low > 0. It does not depend on the rule's tags. A result with no security-severity (its rule has
 *   none, or it has no rule) counts in `security.unrated`. When nothing in the log declares a
 *   security-severity (ESLint, ruff) and some result counts, `security.critical/high/medium/low` are
 *   absent, not 0: the tool does not rate severities, so "0 critical" would be a guess.
 *
 * Rule references: a result names its rule by `ruleIndex`, `ruleId`, or `rule` {index, id, guid,
 * toolComponent}; without `rule.toolComponent` the rule is looked up in `tool.driver` (SARIF
 * §3.52.7), hierarchical ids ("CA2000/1") fall back to their parents (§3.27.5). A reference to a rule
 * the run does not define (a typo, or a rule that lives only in `tool.extensions[]` and a result
 * without `rule.toolComponent`) makes the log unreadable when that rule would decide a count: the
 * level of a result without its own, or the security-severity of a result without its own in a run
 * that rates severities. Counting such a result as an anonymous warning could pass
 * `security.critical == 0` next to a 9.8 rule. Not refused, because no count depends on the missing
 * rule: a result with its own level in a run that rates nothing (ESLint's formatter writes a ruleId
 * without a rule when the rule has no metadata; the result counts at its level, unrated), a result
 * with no rule at all (allowed by the spec; its own level or "warning", unrated), and a `ruleId` in
 * a run that defines no rule anywhere (sarif-tutorials' Baseline and Suppressions samples, Hadolint):
 * the id is then a bare identifier, with no rule metadata that could be missed.
 *
 * What is not evidence (EvidenceError, never zero findings): invalid JSON, a version other than
 * "2.1.0", `runs` missing, null or empty (nothing was analysed), a run without a `results` array (the
 * schema: "it must be present (but may be empty) if a log file represents an actual scan"; a run that
 * only exports rule metadata is not a scan), a run whose invocation reports `executionSuccessful:
 * false` (the tool did not complete, its silence proves nothing), values of the wrong type, and
 * references (`ruleIndex`, `ruleId`, `toolComponent`) to rules or components that are not in the log.
 *
 * Bounded: results are streamed (json.ts streamItems): each is checked, reduced to its rule
 * reference, own level and own severity, and dropped. Results are tallied per distinct (reference,
 * level, severity), and each distinct reference is resolved once when the run is complete, so
 * memory grows with the number of distinct rules, not of results; more than LIMITS.documentValues
 * distinct references in one log are refused.
 *
 * Top findings (`failures`, what the reports list under a failed criterion): the counted results of
 * level error, then warning, then note, the first FAILING_TESTS_KEPT of each level in log order, with
 * the exact number of them all (error + warning + note; level "none" results are counted in
 * `results` but are no finding). Each has its rule id (`suite`), a short name (the rule's `name`,
 * else its id), the place of its first location (`physicalLocation.artifactLocation.uri` with
 * `region.startLine`; a `uriBaseId` the run defines as a `file:` URI in `originalUriBaseIds` is
 * prefixed, one it does not define (%SRCROOT%) leaves the path relative to the repository; `file:`
 * URIs become paths, a leading "./" is dropped; absolute paths are kept, the reports decide how to
 * show them) and the first line of its message (`message.text`, else the rule's
 * `messageStrings[message.id]` with its {0}… `arguments`). Bounded: a result's level is known when it
 * is read (its own, or its rule's when the run's tool came before its results, as producers write
 * it) and only the first of each level are kept; results whose level waits for rules written after
 * them are kept per rule (FAILING_TESTS_KEPT) up to DEFERRED_KEPT in all, then placed. Texts are
 * capped at FINDING_TEXT characters.
 *
 * Identities (identity.ts) of every counted result (every one `results` counts, level "none"
 * included), up to LIMITS.failingIdentities: its rule id with its `partialFingerprints` as sorted
 * `key=value` entries, else its `fingerprints` likewise, else its first location's
 * `artifactLocation.uri` and `region.startLine` and its message text (`message.text`, else its
 * `id` and `arguments`). The rule id is the result's `ruleId` (or `rule.id`), else the id of the
 * rule its index or guid points at, when the run's tool is written before its results (else the
 * result has no identity); '' for a result that names no rule. Results are built with their
 * fingerprints, message and locations until both the findings shown and the identities are full.
 *
 * Narrow waivers of findings (ReadContext.waivers: a policy's `rules:` / `fingerprints:` waivers of
 * the criterion). The evaluation sees only metrics, so it cannot take findings out of the counts by
 * itself, and the reader cannot decide which waivers hold (expiry is the evaluation's). So the
 * reader tallies, for every counted result, the set of waivers that match it, and the evaluation
 * subtracts the sets that meet an active waiver (src/verdict/waivers.ts): each result belongs to one
 * set, so one matched by two waivers leaves the counts once. A waiver matches a result when one of
 * its `rules` is the result's rule id exactly (as its identity names it: `ruleId`, `rule.id`, else
 * the id of the rule its index or guid points at), and/or one of its `fingerprints` "key=value" is an
 * entry of the result's `partialFingerprints` or `fingerprints` (split at the first "="; the value
 * compared as written); a waiver with both needs both. Rule ids match exactly, not by hierarchy:
 * SARIF's "/" (§3.27.5, "CA2000/1" under "CA2000") is also how CodeQL names every query
 * ("js/sql-injection"), so a parent match would let `rules: [js]` waive all of them; a sub-rule is
 * named itself, and a waiver that names only its parent matches nothing and is listed as unused. Per set the results are tallied like the
 * rest, by reference and own level and severity, and resolved with the same rules, so the sets'
 * counts are exact; they stay bounded: a set per distinct (reference, fingerprints matched), at
 * most WAIVER_SETS in a log (beyond it the waivers are refused as inexact, never guessed). Each
 * finding kept for the report and each identity carries its set, so the evaluation can drop them too
 * (an identity is dropped only when every result that has it is waived).
 */
export interface SarifModel {
  results: number;
  error: number;
  warning: number;
  note: number;
  critical: number;
  high: number;
  medium: number;
  low: number;
  /** counted results with no security-severity (neither their own nor their rule's) */
  unrated: number;
  /** some rule or counted result of the log declares a security-severity */
  rated: boolean;
  /** the first counted findings of each level, in log order (at most FAILING_TESTS_KEPT each) */
  findings: Record<FindingLevel, FailureItem[]>;
  /** the identities of every counted result, up to LIMITS.failingIdentities */
  identities: FailingIdentities;
  /** what the criterion's narrow waivers match, when the log was read with some (ReadContext.waivers) */
  waivers?: WaiverTally;
}

type CountKey = (typeof COUNTS)[number];
type Counts = Record<CountKey, number>;

/** What the narrow waivers match in one model (see the file comment). Set keys: sorted scope indices joined by ",". */
interface WaiverTally {
  readonly scopes: FindingWaiverScope[];
  /** counted results by the set of scopes that match them (non-empty sets only) */
  readonly sets: Map<string, Counts>;
  /** parallel to SarifModel.findings: each kept finding's set ('' none) */
  readonly kept: Record<FindingLevel, string[]>;
  /** identities of results some scope matched: the sets of the results that have them ('' none) */
  readonly identities: Map<string, Set<string>>;
  inexact?: string;
}

/** Distinct (reference, fingerprints matched) tallies the waivers of one log may need. */
const WAIVER_SETS = 10_000;

/**
 * The narrow waivers of one read, compiled: their rule ids by id, their fingerprints by key and
 * value. What a result matches: `match` of its rule's scopes and its fingerprints' scopes.
 */
class WaiverWatch {
  private readonly rules = new Map<string, Set<number>>();
  private readonly prints = new Map<string, Map<string, number[]>>();
  /** (reference, fingerprints matched) tallies so far, against WAIVER_SETS */
  tallies = 0;
  inexact?: string;

  constructor(readonly scopes: FindingWaiverScope[]) {
    scopes.forEach((scope, i) => {
      for (const id of scope.rules ?? []) this.rules.set(id, (this.rules.get(id) ?? new Set()).add(i));
      for (const print of scope.fingerprints ?? []) {
        const eq = print.indexOf('=');
        if (eq <= 0) continue; // the policy schema refuses it
        const key = print.slice(0, eq);
        const values = this.prints.get(key) ?? new Map<string, number[]>();
        values.set(print.slice(eq + 1), [...(values.get(print.slice(eq + 1)) ?? []), i]);
        this.prints.set(key, values);
      }
    });
  }

  get readsFingerprints(): boolean {
    return this.prints.size > 0;
  }

  /** The scopes one of whose rules is this rule id, exactly (see the file comment: no parents, no prefixes). */
  ruleScopes(id: string | undefined): ReadonlySet<number> {
    if (id === undefined || id === '') return NO_SCOPES;
    return this.rules.get(id) ?? NO_SCOPES;
  }

  /** The scopes one of whose fingerprints is an entry of the result's partialFingerprints or fingerprints. */
  printScopes(result: Json): readonly number[] {
    if (this.prints.size === 0) return NO_INDICES;
    let out: Set<number> | undefined;
    for (const key of ['partialFingerprints', 'fingerprints'] as const) {
      const prints = result[key];
      if (!isObject(prints)) continue;
      for (const [k, v] of Object.entries(prints)) {
        const scopes = this.prints.get(k)?.get(typeof v === 'string' ? v : JSON.stringify(v));
        if (scopes === undefined) continue;
        out ??= new Set();
        for (const i of scopes) out.add(i);
      }
    }
    return out === undefined ? NO_INDICES : [...out].sort((a, b) => a - b);
  }

  /** The set key of a result: the scopes whose every part matches it ('' none). */
  match(rule: ReadonlySet<number>, prints: readonly number[]): string {
    if (rule.size === 0 && prints.length === 0) return '';
    const out: number[] = [];
    for (const i of new Set([...rule, ...prints])) {
      const scope = this.scopes[i]!;
      if ((scope.rules === undefined || rule.has(i)) && (scope.fingerprints === undefined || prints.includes(i))) out.push(i);
    }
    return out.sort((a, b) => a - b).join(',');
  }
}

const NO_SCOPES: ReadonlySet<number> = new Set();
const NO_INDICES: readonly number[] = [];

function emptyCounts(): Counts {
  return { results: 0, error: 0, warning: 0, note: 0, critical: 0, high: 0, medium: 0, low: 0, unrated: 0 };
}

function emptyWaiverTally(scopes: FindingWaiverScope[]): WaiverTally {
  return { scopes, sets: new Map(), kept: { error: [], warning: [], note: [] }, identities: new Map() };
}

type FindingLevel = 'error' | 'warning' | 'note';
const FINDING_LEVELS: readonly FindingLevel[] = ['error', 'warning', 'note'];
/** Results kept while their level waits for rules that come after them in the log. */
const DEFERRED_KEPT = 1000;
/** Longest text kept of a finding's rule, name, path or message. */
const FINDING_TEXT = 300;
/** Arguments kept for a message string (and their length). */
const ARGUMENTS_KEPT = 10;

/** A counted result that may be shown: what it says, its rule reference, not yet resolved. */
interface Candidate {
  /** its index in the run's results: log order */
  readonly i: number;
  readonly tally: ReferenceTally;
  /** its own level (undefined: its rule's) */
  readonly level?: FindingLevel;
  readonly uri?: string;
  readonly uriBaseId?: string;
  readonly line?: number;
  readonly text?: string;
  readonly messageId?: string;
  readonly args?: string[];
  /** the waivers whose fingerprints it has (WaiverWatch.printScopes) */
  readonly prints?: readonly number[];
}

type Json = Record<string, unknown>;
type Level = 'none' | 'note' | 'warning' | 'error';

const LEVELS = new Set<string>(['none', 'note', 'warning', 'error']);
const KINDS = new Set<string>(['notApplicable', 'pass', 'fail', 'review', 'open', 'informational']);
const SUPPRESSION_STATUSES = new Set<string>(['accepted', 'underReview', 'rejected']);
const BASELINE_STATES = new Set<string>(['new', 'unchanged', 'updated', 'absent']);

/** The counts of a level, in tally order; the last slot: the level comes from the rule. */
const LEVEL_SLOTS = ['none', 'note', 'warning', 'error'] as const;
const LEVEL_FROM_RULE = 4;
/** Security buckets in tally order: 0 = rated 0.0 (no bucket); the last slot: from the rule. */
const BUCKETS = ['rated-zero', 'low', 'medium', 'high', 'critical'] as const;
const BUCKET_FROM_RULE = 5;
const CELLS = (LEVEL_FROM_RULE + 1) * (BUCKET_FROM_RULE + 1);

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function emptyModel(identities = new FailingIdentities()): SarifModel {
  return { results: 0, error: 0, warning: 0, note: 0, critical: 0, high: 0, medium: 0, low: 0, unrated: 0, rated: false, findings: { error: [], warning: [], note: [] }, identities };
}

/**
 * The parts of a counted result's identity (see the SarifModel comment) with its rule id: its
 * partial fingerprints, else its fingerprints, else its first location and message text.
 */
function findingIdentity(result: Json, ruleId: string): string[] {
  for (const key of ['partialFingerprints', 'fingerprints'] as const) {
    const prints = result[key];
    if (!isObject(prints)) continue;
    const entries = Object.keys(prints).map((k) => `${k}=${typeof prints[k] === 'string' ? prints[k] : JSON.stringify(prints[k])}`);
    if (entries.length > 0) return [ruleId, ...entries.sort()];
  }
  const location = Array.isArray(result.locations) && isObject(result.locations[0]) ? result.locations[0] : undefined;
  const physical = location !== undefined && isObject(location.physicalLocation) ? location.physicalLocation : undefined;
  const artifact = physical !== undefined && isObject(physical.artifactLocation) ? physical.artifactLocation : undefined;
  const region = physical !== undefined && isObject(physical.region) ? physical.region : undefined;
  const line = region?.startLine;
  const message = isObject(result.message) ? result.message : undefined;
  const text =
    typeof message?.text === 'string' ? message.text : typeof message?.id === 'string' ? JSON.stringify([message.id, ...(Array.isArray(message.arguments) ? message.arguments : [])]) : '';
  return [ruleId, typeof artifact?.uri === 'string' ? artifact.uri : '', typeof line === 'number' ? String(line) : '', text];
}

/** The first line of a text, trimmed and capped, as a copy (never a slice of a large message). */
function shortText(text: unknown): string | undefined {
  if (typeof text !== 'string') return undefined;
  const line = text.slice(0, 4 * FINDING_TEXT).trim().split(/\r\n|[\n\r]/, 1)[0]?.trim();
  if (line === undefined || line === '') return undefined;
  return own(line.length > FINDING_TEXT ? `${line.slice(0, FINDING_TEXT - 1)}…` : line);
}

/** What may be shown of a counted result, read before it is dropped. */
function candidateOf(result: Json, i: number, tally: ReferenceTally, level: FindingLevel | undefined, prints: readonly number[]): Candidate {
  const message = isObject(result.message) ? result.message : undefined;
  const location = Array.isArray(result.locations) && isObject(result.locations[0]) ? result.locations[0] : undefined;
  const physical = location !== undefined && isObject(location.physicalLocation) ? location.physicalLocation : undefined;
  const artifact = physical !== undefined && isObject(physical.artifactLocation) ? physical.artifactLocation : undefined;
  const region = physical !== undefined && isObject(physical.region) ? physical.region : undefined;
  const line = region?.startLine;
  const args = Array.isArray(message?.arguments)
    ? message.arguments.slice(0, ARGUMENTS_KEPT).map((a) => (typeof a === 'string' || typeof a === 'number' ? (shortText(String(a)) ?? '') : ''))
    : undefined;
  return {
    i,
    tally,
    ...(level !== undefined ? { level } : {}),
    ...(typeof artifact?.uri === 'string' ? { uri: own(artifact.uri.slice(0, 4 * FINDING_TEXT)) } : {}),
    ...(typeof artifact?.uriBaseId === 'string' ? { uriBaseId: own(artifact.uriBaseId.slice(0, FINDING_TEXT)) } : {}),
    ...(typeof line === 'number' && Number.isSafeInteger(line) && line > 0 ? { line } : {}),
    ...(shortText(message?.text) !== undefined ? { text: shortText(message?.text) } : {}),
    ...(typeof message?.id === 'string' ? { messageId: own(message.id.slice(0, FINDING_TEXT)) } : {}),
    ...(args !== undefined ? { args } : {}),
    ...(prints.length > 0 ? { prints } : {}),
  };
}

/**
 * A location's path as the reports want it: a `file:` URI as a path, percent-decoded, a base the run
 * defines as a `file:` URI prefixed, a leading "./" dropped; relative paths are the repository's.
 */
function findingPath(uri: string | undefined, uriBaseId: string | undefined, bases: unknown): string | undefined {
  // whitespace and control characters are in no URI (RFC 3986): a place that names no file
  // eslint-disable-next-line no-control-regex
  if (uri === undefined || uri === '' || /[\s\u0000-\u001f\u007f]/.test(uri)) return undefined;
  let path = uri;
  if (uriBaseId !== undefined && !/^[a-z][a-z0-9+.-]*:/i.test(path) && isObject(bases)) {
    const base = bases[uriBaseId];
    const baseUri = isObject(base) && typeof base.uri === 'string' ? base.uri : undefined;
    if (baseUri !== undefined && /^file:/i.test(baseUri)) path = `${baseUri.endsWith('/') ? baseUri : `${baseUri}/`}${path.replace(/^\.\//, '')}`;
  }
  if (/^file:/i.test(path)) {
    // file:///abs, file://localhost/abs, file:/abs; file:///C:/x is C:/x
    path = path.replace(/^file:(?:\/\/(?:localhost)?)?/i, '');
    if (/^\/[A-Za-z]:\//.test(path)) path = path.slice(1);
  }
  if (path.includes('%')) {
    try {
      path = decodeURIComponent(path);
    } catch {
      // not valid percent-encoding: kept as written
    }
  }
  while (path.startsWith('./')) path = path.slice(2);
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u001f\u007f]/.test(path) ? undefined : shortText(path);
}

/** A rule's message string with its {0}, {1}… placeholders filled, when it is that simple. */
function messageString(rule: Json | undefined, id: string | undefined, args: string[] | undefined): string | undefined {
  if (rule === undefined || id === undefined || !isObject(rule.messageStrings)) return undefined;
  const entry = rule.messageStrings[id];
  const template = isObject(entry) ? entry.text : undefined;
  if (typeof template !== 'string') return undefined;
  const first = template.slice(0, 4 * FINDING_TEXT).split(/\r\n|[\n\r]/, 1)[0] ?? '';
  return shortText(first.replace(/\{(\d+)\}/g, (whole, n: string) => args?.[Number(n)] ?? whole));
}

/** The results of a run that name one rule reference, tallied by their own level and severity. */
interface ReferenceTally {
  /** ruleIndex / rule.index (-1 or undefined: none) */
  readonly index: unknown;
  /** ruleId / rule.id */
  readonly id: unknown;
  /** rule.guid */
  readonly guid: unknown;
  readonly toolComponent: unknown;
  /** the first result with this reference, and how many there are */
  readonly first: number;
  total: number;
  /** counts by [own level slot][own bucket slot] */
  readonly cells: Uint32Array;
  /** its rule's level read while streaming (null: not knowable then), and the final one */
  eagerLevel?: Level | null;
  ruleLevel?: Level;
  rule?: Json;
  /** its results kept while their level waits for the rules */
  deferred: number;
  /** the rule id its results' identities name (null: not knowable while streaming) */
  identityRule?: string | null;
  /** of its results, those with fingerprints a waiver names: by those waivers (key: their indices) */
  printed?: Map<string, { prints: readonly number[]; cells: Uint32Array }>;
}

/** What one run's results add up to before their rules are resolved. */
class RunTally {
  /** by reference key; '' holds the results that name no rule */
  readonly references = new Map<string, ReferenceTally>();

  /** `references` counts the distinct rule references of the whole log, against LIMITS.documentValues */
  constructor(
    private readonly budget: { references: number; readonly max: number },
    /** the identities of the log's counted results */
    private readonly identities: FailingIdentities,
    /** the run being read (its tool is there once the log has written it) */
    private readonly run?: Json,
    /** the criterion's narrow waivers of findings */
    private readonly watch?: WaiverWatch,
  ) {}
  /** counted results that carry their own security-severity */
  ownSeverities = 0;
  /** findings kept by the level they were known at when read, and those waiting for their rule */
  readonly kept: Record<FindingLevel, Candidate[]> = { error: [], warning: [], note: [] };
  readonly deferred: Candidate[] = [];
  /** the run's rules as far as the log has written them, once a result needed its rule's level */
  private context: RunContext | null | undefined;

  /** The run's rules, once its tool is read (null: not yet, or not readable now). */
  private rules(): RunContext | null {
    if (this.context === undefined || this.context === null) {
      try {
        this.context = this.run !== undefined && isObject(this.run.tool) && isObject(this.run.tool.driver) ? new RunContext(this.run, '') : null;
      } catch {
        this.context = null;
      }
    }
    return this.context;
  }

  /** The level a result without its own gets from its rule, when the rule is already known. */
  private eagerLevel(t: ReferenceTally): Level | null {
    if (t.eagerLevel !== undefined && t.eagerLevel !== null) return t.eagerLevel;
    const context = this.rules();
    let level: Level | null = null;
    if (context !== null) {
      try {
        const named = (t.index !== undefined && t.index !== -1) || t.id !== undefined || t.guid !== undefined;
        const rule = named ? context.resolve(t.index, t.id, t.guid, t.toolComponent) : undefined;
        const configured = rule !== undefined ? (context.override(rule) ?? (isObject(rule.defaultConfiguration) ? rule.defaultConfiguration.level : undefined)) : undefined;
        if (configured !== undefined) level = typeof configured === 'string' && LEVELS.has(configured) ? (configured as Level) : null;
        // no rule: "warning", unless the run defines rules (then the log is refused, see countRun)
        else if (rule !== undefined || !named || !context.components().some((c) => context.rulesOf(c).length > 0)) level = 'warning';
      } catch {
        level = null;
      }
    }
    t.eagerLevel = level;
    return level;
  }

  /**
   * Whether no later result of the run can be kept, so that results need not be built with their
   * message and locations: every level has its findings, and a result without a level of its own
   * gets its rule's now (with the tool read, a rule that cannot be found makes the log refused) or
   * there is no room left to wait for it.
   */
  enough(): boolean {
    if (!this.identities.full) return false;
    if (FINDING_LEVELS.some((level) => this.kept[level].length < FAILING_TESTS_KEPT)) return false;
    return this.deferred.length >= DEFERRED_KEPT || this.rules() !== null;
  }

  /** The rule id a reference's results are identified by: its id, else its rule's when the tool is read. */
  private identityRule(t: ReferenceTally): string | null {
    if (typeof t.id === 'string') return t.id;
    const named = (t.index !== undefined && t.index !== -1) || t.guid !== undefined;
    if (!named) return '';
    if (t.identityRule !== undefined) return t.identityRule;
    const context = this.rules();
    if (context === null) return null; // the tool may come later: asked again
    let id: string | null = null;
    try {
      const rule = context.resolve(t.index, t.id, t.guid, t.toolComponent);
      if (rule !== undefined && typeof rule.id === 'string') id = rule.id;
    } catch {
      id = null;
    }
    t.identityRule = id;
    return id;
  }

  /** Keeps what may be shown of a counted result, while its level has room. */
  private keep(result: Json, i: number, tally: ReferenceTally, levelSlot: number, prints: readonly number[]): void {
    const own = levelSlot === LEVEL_FROM_RULE ? undefined : LEVEL_SLOTS[levelSlot];
    if (own === 'none') return;
    const level = own ?? this.eagerLevel(tally);
    if (level === 'none') return;
    if (level !== null) {
      const bucket = this.kept[level];
      if (bucket.length < FAILING_TESTS_KEPT) bucket.push(candidateOf(result, i, tally, own, prints));
      return;
    }
    if (tally.deferred >= FAILING_TESTS_KEPT || this.deferred.length >= DEFERRED_KEPT) return;
    tally.deferred++;
    this.deferred.push(candidateOf(result, i, tally, undefined, prints));
  }

  add(result: unknown, i: number, where: () => string): void {
    const at = (): string => `${where()}.results[${i}]`;
    if (!isObject(result)) throw new EvidenceError(`${at()} is not an object`);

    if (result.baselineState !== undefined) {
      if (typeof result.baselineState !== 'string' || !BASELINE_STATES.has(result.baselineState)) {
        throw new EvidenceError(`${at()}: baselineState ${JSON.stringify(result.baselineState)} is not one of new, unchanged, updated, absent`);
      }
      if (result.baselineState === 'absent') return;
    }
    if (result.suppressions !== undefined) {
      if (!Array.isArray(result.suppressions)) throw new EvidenceError(`${at()}: suppressions is not an array`);
      let suppressed = false;
      for (const suppression of result.suppressions) {
        if (!isObject(suppression)) throw new EvidenceError(`${at()}: a suppression is not an object`);
        const status = suppression.status;
        if (status !== undefined && (typeof status !== 'string' || !SUPPRESSION_STATUSES.has(status))) {
          throw new EvidenceError(`${at()}: suppression status ${JSON.stringify(status)} is not one of accepted, underReview, rejected`);
        }
        if (status === undefined || status === 'accepted') suppressed = true;
      }
      if (suppressed) return;
    }

    const level = result.level;
    if (level !== undefined && (typeof level !== 'string' || !LEVELS.has(level))) {
      throw new EvidenceError(`${at()}: level ${JSON.stringify(level)} is not one of none, note, warning, error`);
    }
    if (result.kind !== undefined && (typeof result.kind !== 'string' || !KINDS.has(result.kind))) {
      throw new EvidenceError(`${at()}: kind ${JSON.stringify(result.kind)} is not a SARIF result kind`);
    }
    const levelSlot =
      level !== undefined
        ? LEVEL_SLOTS.indexOf(level as Level)
        : result.kind !== undefined && result.kind !== 'fail'
          ? 0 // none
          : LEVEL_FROM_RULE;
    const severity = securitySeverity(result.properties, at);
    if (severity !== undefined) this.ownSeverities++;
    const bucketSlot = severity === undefined ? BUCKET_FROM_RULE : bucketOf(severity);

    const ref = result.rule;
    if (ref !== undefined && !isObject(ref)) throw new EvidenceError(`${at()}: rule is not an object`);
    const index = result.ruleIndex ?? ref?.index;
    const id = result.ruleId ?? ref?.id;
    const guid = ref?.guid;
    if (index !== undefined && index !== -1 && (typeof index !== 'number' || !Number.isInteger(index) || index < -1)) {
      throw new EvidenceError(`${at()}: rule index ${JSON.stringify(index)} is not an integer`);
    }
    if (id !== undefined && typeof id !== 'string') throw new EvidenceError(`${at()}: ruleId ${JSON.stringify(id)} is not a string`);
    if (guid !== undefined && typeof guid !== 'string') throw new EvidenceError(`${at()}: rule.guid ${JSON.stringify(guid)} is not a string`);
    const toolComponent = ref?.toolComponent;
    const named = (index !== undefined && index !== -1) || id !== undefined || guid !== undefined;
    if (!named && toolComponent !== undefined) throw new EvidenceError(`${at()}: rule has a toolComponent but no index, id or guid`);
    const key = named ? JSON.stringify([index === -1 ? null : (index ?? null), id ?? null, guid ?? null, toolComponent ?? null]) : '';
    let tally = this.references.get(key);
    if (tally === undefined) {
      if (++this.budget.references > this.budget.max) {
        throw new EvidenceError(
          `${at()}: the SARIF log names more than ${this.budget.max} distinct rule references (LIMITS.documentValues): each is tallied apart, and that many are refused rather than read`,
        );
      }
      tally = { index, id, guid, toolComponent, first: i, total: 0, cells: new Uint32Array(CELLS), deferred: 0 };
      this.references.set(key, tally);
    }
    tally.total++;
    const cell = levelSlot * (BUCKET_FROM_RULE + 1) + bucketSlot;
    tally.cells[cell]!++;
    const watch = this.watch;
    const prints = watch !== undefined ? watch.printScopes(result) : NO_INDICES;
    if (watch !== undefined && prints.length > 0 && watch.inexact === undefined) {
      const key = prints.join(',');
      tally.printed ??= new Map();
      let printed = tally.printed.get(key);
      if (printed === undefined && ++watch.tallies > WAIVER_SETS) {
        watch.inexact = `the waived fingerprints fall into more than ${WAIVER_SETS} distinct (rule, fingerprint) tallies`;
      } else {
        if (printed === undefined) tally.printed.set(key, (printed = { prints, cells: new Uint32Array(CELLS) }));
        printed.cells[cell]!++;
      }
    }
    if (this.identities.full) this.identities.miss();
    else {
      const rule = this.identityRule(tally);
      if (rule === null) this.identities.miss();
      else {
        const id = identityOf(findingIdentity(result, rule));
        if (watch !== undefined && this.waived !== undefined) noteIdentity(this.waived, id, watch.match(watch.ruleScopes(rule), prints), this.identities.has(id));
        this.identities.addIdentity(id);
      }
    }
    this.keep(result, i, tally, levelSlot, prints);
  }

  /** where the identities of matched results are noted (the model's waiver tally) */
  waived?: WaiverTally;

  /** The run's findings, each level in log order, once every rule is resolved (countRun), with the set of waivers each matches. */
  findings(bases: unknown): Record<FindingLevel, Array<{ item: FailureItem; set: string }>> {
    const out: Record<FindingLevel, Candidate[]> = { error: [], warning: [], note: [] };
    for (const c of [...this.kept.error, ...this.kept.warning, ...this.kept.note, ...this.deferred]) {
      const level = c.level ?? c.tally.ruleLevel;
      if (level === undefined || level === 'none') continue;
      out[level].push(c);
    }
    const items = {} as Record<FindingLevel, Array<{ item: FailureItem; set: string }>>;
    const watch = this.watch;
    for (const level of FINDING_LEVELS) {
      items[level] = out[level]
        .sort((a, b) => a.i - b.i)
        .slice(0, FAILING_TESTS_KEPT)
        .map((c) => ({ item: findingItem(c, level, bases), set: watch === undefined ? '' : watch.match(watch.ruleScopes(ruleIdOf(c.tally)), c.prints ?? NO_INDICES) }));
    }
    return items;
  }
}

/** The rule id a reference's results are known by (as their identities name it), once its rule is resolved. */
function ruleIdOf(t: ReferenceTally): string | undefined {
  if (typeof t.id === 'string') return t.id;
  return typeof t.rule?.id === 'string' ? t.rule.id : undefined;
}

/** An identity of a counted result and the set of waivers that match that result ('' none). */
function noteIdentity(tally: WaiverTally, id: string, set: string, seenBefore: boolean): void {
  let sets = tally.identities.get(id);
  if (set === '') {
    sets?.add('');
    return;
  }
  if (sets === undefined) {
    // an identity told before without an entry was told for results no waiver matched
    sets = new Set(seenBefore ? [''] : []);
    tally.identities.set(id, sets);
  }
  sets.add(set);
}

function findingItem(c: Candidate, level: FindingLevel, bases: unknown): FailureItem {
  const rule = c.tally.rule;
  const ruleId = shortText(typeof c.tally.id === 'string' ? c.tally.id : rule?.id);
  const item: FailureItem = { name: shortText(rule?.name) ?? ruleId ?? '(no rule)', level };
  if (ruleId !== undefined) item.suite = ruleId;
  const file = findingPath(c.uri, c.uriBaseId, bases);
  if (file !== undefined) {
    item.file = file;
    if (c.line !== undefined) item.line = c.line;
  }
  const message = c.text ?? messageString(rule, c.messageId, c.args);
  if (message !== undefined) item.message = message;
  return item;
}

/** critical >= 9.0, high >= 7.0, medium >= 4.0, low > 0 (GitHub code scanning); 0 is rated, no bucket. */
function bucketOf(severity: number): number {
  return severity >= 9 ? 4 : severity >= 7 ? 3 : severity >= 4 ? 2 : severity > 0 ? 1 : 0;
}

/**
 * What this reader reads of a log. Everything else (messages, locations, code flows, fingerprints,
 * artifacts, notifications) is checked for syntax and skipped, not built: it is most of a large
 * log's bytes, and no count depends on it (fingerprints do when a waiver names some: then every
 * result's are read). Results are streamed to `sink`, never kept.
 */
function sarifShape(
  sink: (result: unknown, run: object, indices: () => number[]) => void,
  enough: (run: object) => boolean,
  /** a waiver names fingerprints: every result's are read, for its counts */
  fingerprints = false,
): ReturnType<typeof compileShape> {
  const COUNTED: Shape = {
    ruleId: true,
    ruleIndex: true,
    rule: true,
    level: true,
    kind: true,
    baselineState: true,
    suppressions: true,
    properties: { 'security-severity': true },
    ...(fingerprints ? { partialFingerprints: true, fingerprints: true } : {}),
  };
  const RULE: Shape = { id: true, guid: true, name: true, messageStrings: true, defaultConfiguration: { level: true }, properties: { 'security-severity': true } };
  const COMPONENT: Shape = { name: true, guid: true, rules: [RULE] };
  return compileShape({
    version: true,
    runs: [
      {
        tool: { driver: COMPONENT, extensions: [COMPONENT] },
        invocations: [{ executionSuccessful: true, ruleConfigurationOverrides: true }],
        originalUriBaseIds: true,
        results: streamItems(
          {
            ...COUNTED,
            // for the findings shown and the identities: the message, the first location's path
            // and line, the fingerprints
            message: { text: true, id: true, arguments: true },
            partialFingerprints: true,
            fingerprints: true,
            locations: [{ physicalLocation: { artifactLocation: { uri: true, uriBaseId: true }, region: { startLine: true } } }],
          },
          sink,
          // once the run has every finding it shows and the log every identity it keeps, the rest
          // are read for their counts only
          { item: COUNTED, when: enough },
        ),
      },
    ],
  });
}

/** The components of a run, with their rules indexed by id. */
class RunContext {
  private readonly byId = new Map<Json, Map<string, Json>>();
  private readonly overrides = new Map<Json, Level>();

  constructor(
    private readonly run: Json,
    readonly where: string,
  ) {
    const invocations = run.invocations;
    if (!Array.isArray(invocations)) return;
    invocations.forEach((invocation, i) => {
      const overrides = isObject(invocation) ? invocation.ruleConfigurationOverrides : undefined;
      if (overrides === undefined) return;
      if (!Array.isArray(overrides)) throw this.error(`invocations[${i}].ruleConfigurationOverrides is not an array`);
      for (const override of overrides) {
        if (!isObject(override) || !isObject(override.descriptor)) continue;
        const level = isObject(override.configuration) ? override.configuration.level : undefined;
        if (level === undefined) continue;
        if (typeof level !== 'string' || !LEVELS.has(level)) {
          throw this.error(`a ruleConfigurationOverrides level is ${JSON.stringify(level)}, not one of none, note, warning, error`);
        }
        const d = override.descriptor;
        const rule = this.resolve(d.index, d.id, d.guid, d.toolComponent);
        if (rule !== undefined && !this.overrides.has(rule)) this.overrides.set(rule, level as Level);
      }
    });
  }

  error(message: string): EvidenceError {
    return new EvidenceError(`${this.where}: ${message}`);
  }

  /** tool.driver, then tool.extensions[] */
  components(): Json[] {
    const tool = this.run.tool as Json;
    const extensions = Array.isArray(tool.extensions) ? tool.extensions.filter(isObject) : [];
    return [tool.driver as Json, ...extensions];
  }

  /** The rules of a component ([] when it has none). */
  rulesOf(component: Json): unknown[] {
    const rules = component.rules;
    if (rules === undefined || rules === null) return [];
    if (!Array.isArray(rules)) throw this.error("a tool component's rules is not an array");
    return rules;
  }

  component(ref: unknown): Json {
    const driver = (this.run.tool as Json).driver as Json;
    if (ref === undefined) return driver;
    if (!isObject(ref)) throw this.error('a toolComponent reference is not an object');
    const extensions = (this.run.tool as Json).extensions;
    const list = Array.isArray(extensions) ? extensions : [];
    if (typeof ref.index === 'number' && ref.index !== -1) {
      const found: unknown = list[ref.index];
      if (!isObject(found)) throw this.error(`toolComponent index ${ref.index} is not in tool.extensions`);
      return found;
    }
    for (const key of ['guid', 'name'] as const) {
      if (typeof ref[key] !== 'string') continue;
      const found = [driver, ...list].find((c) => isObject(c) && c[key] === ref[key]);
      if (!isObject(found)) throw this.error(`toolComponent ${key} ${JSON.stringify(ref[key])} is not in the run's tool`);
      return found;
    }
    throw this.error('a toolComponent reference has no index, guid or name');
  }

  /** The rule a reference points at, or undefined when it names no rule the component defines. */
  resolve(index: unknown, id: unknown, guid: unknown, toolComponent: unknown): Json | undefined {
    const component = this.component(toolComponent);
    const rules = this.rulesOf(component);
    if (index !== undefined && index !== -1) {
      if (typeof index !== 'number' || !Number.isInteger(index) || index < -1) throw this.error(`rule index ${JSON.stringify(index)} is not an integer`);
      const rule: unknown = rules[index];
      if (!isObject(rule)) throw this.error(`rule index ${index} is not in the tool component's rules`);
      return rule;
    }
    if (typeof id !== 'string') {
      return typeof guid === 'string' ? (rules.find((r) => isObject(r) && r.guid === guid) as Json | undefined) : undefined;
    }
    let byId = this.byId.get(component);
    if (byId === undefined) {
      byId = new Map();
      for (const rule of rules) if (isObject(rule) && typeof rule.id === 'string' && !byId.has(rule.id)) byId.set(rule.id, rule);
      this.byId.set(component, byId);
    }
    // hierarchical rule ids ("CA2000/1") fall back to their parents (SARIF §3.27.5)
    for (let key = id; ; key = key.slice(0, key.lastIndexOf('/'))) {
      const rule = byId.get(key);
      if (rule !== undefined) return rule;
      if (!key.includes('/')) return undefined;
    }
  }

  /** Where else a rule id is defined, for the message about an unresolved reference. */
  definedElsewhere(id: unknown, guid: unknown): string | undefined {
    const components = this.components();
    for (let c = 0; c < components.length; c++) {
      const component = components[c] as Json;
      const found = this.rulesOf(component).some((r) => isObject(r) && ((typeof id === 'string' && r.id === id) || (typeof guid === 'string' && r.guid === guid)));
      if (!found) continue;
      const name = typeof component.name === 'string' ? ` (${JSON.stringify(component.name)})` : '';
      return c === 0 ? `tool.driver${name}` : `tool.extensions[${c - 1}]${name}`;
    }
    return undefined;
  }

  override(rule: Json): Level | undefined {
    return this.overrides.get(rule);
  }
}

function securitySeverity(properties: unknown, where: () => string): number | undefined {
  if (!isObject(properties)) return undefined;
  const raw = properties['security-severity'];
  if (raw === undefined || raw === null) return undefined;
  const value = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN;
  if (!Number.isFinite(value) || value < 0 || value > 10) {
    throw new EvidenceError(`${where()}: security-severity ${JSON.stringify(raw)} is not a number from 0.0 to 10.0`);
  }
  return value;
}

const declaresSeverity = (rule: unknown): boolean => {
  if (!isObject(rule) || !isObject(rule.properties)) return false;
  const raw = rule.properties['security-severity'];
  return raw !== undefined && raw !== null;
};

/** `runs[r]`, with the tool's name when the run has one. */
function runName(run: Json, r: number): string {
  const toolName = isObject(run.tool) && isObject(run.tool.driver) ? run.tool.driver.name : undefined;
  return typeof toolName === 'string' && toolName !== '' ? `runs[${r}] (${toolName})` : `runs[${r}]`;
}

function describeReference(t: ReferenceTally): string {
  const parts: string[] = [];
  if (t.id !== undefined) parts.push(`ruleId ${JSON.stringify(t.id)}`);
  if (t.guid !== undefined) parts.push(`rule guid ${JSON.stringify(t.guid)}`);
  return parts.join(' and ');
}

function countRun(run: unknown, r: number, tally: RunTally | undefined, model: SarifModel, watch?: WaiverWatch): void {
  if (!isObject(run)) throw new EvidenceError(`not a SARIF log: runs[${r}] is not an object`);
  if (!isObject(run.tool) || !isObject(run.tool.driver)) throw new EvidenceError(`not a SARIF log: runs[${r}] has no tool.driver`);
  const where = runName(run, r);

  if (run.invocations !== undefined) {
    if (!Array.isArray(run.invocations)) throw new EvidenceError(`${where}: invocations is not an array`);
    run.invocations.forEach((invocation: unknown, i) => {
      const ok = isObject(invocation) ? invocation.executionSuccessful : undefined;
      if (ok === false) {
        throw new EvidenceError(`${where}: invocations[${i}].executionSuccessful is false: the tool did not complete, so its findings are not evidence`);
      }
      if (ok !== undefined && typeof ok !== 'boolean') throw new EvidenceError(`${where}: invocations[${i}].executionSuccessful is not a boolean`);
    });
  }
  const results = run.results;
  if (results === undefined || results === null) {
    throw new EvidenceError(`${where} has no results array: the results were not computed (a SARIF log of an actual scan must have one, even empty)`);
  }
  if (!Array.isArray(results)) throw new EvidenceError(`not a valid SARIF log: ${where}.results is ${JSON.stringify(results)}, not an array`);
  // results built in place (not streamed) are tallied here
  if (results.length > 0) {
    if (tally === undefined) {
      tally = new RunTally({ references: 0, max: Number.POSITIVE_INFINITY }, model.identities, run, watch);
      if (model.waivers !== undefined) tally.waived = model.waivers;
    }
    results.forEach((result: unknown, i) => tally!.add(result, i, () => where));
  }

  const context = new RunContext(run, where);
  const components = context.components();
  const definesRules = components.some((c) => context.rulesOf(c).length > 0);
  const runRated = components.some((c) => context.rulesOf(c).some(declaresSeverity)) || (tally?.ownSeverities ?? 0) > 0;
  if (runRated) model.rated = true;
  if (tally === undefined) return;

  for (const t of tally.references.values()) {
    const named = (t.id !== undefined || t.guid !== undefined || (t.index !== undefined && t.index !== -1));
    const at = (): string => `${where}.results[${t.first}]`;
    let rule: Json | undefined;
    if (named) {
      try {
        rule = context.resolve(t.index, t.id, t.guid, t.toolComponent);
      } catch (err) {
        if (err instanceof EvidenceError) throw new EvidenceError(err.message.replace(`${where}: `, `${at()}: `));
        throw err;
      }
      // what the missing rule would decide: the level of a result without one, the bucket of a
      // result without a severity in a run that rates severities (ESLint writes a ruleId with no
      // rule when a rule has no metadata, each result with its own level, and rates nothing)
      let needsLevel = false;
      let needsSeverity = false;
      for (let cell = 0; cell < CELLS; cell++) {
        if (t.cells[cell] === 0) continue;
        if (Math.floor(cell / (BUCKET_FROM_RULE + 1)) === LEVEL_FROM_RULE) needsLevel = true;
        if (cell % (BUCKET_FROM_RULE + 1) === BUCKET_FROM_RULE && runRated) needsSeverity = true;
      }
      if (rule === undefined && definesRules && (needsLevel || needsSeverity)) {
        const lost = [needsLevel ? 'the level of a result that has none of its own' : '', needsSeverity ? 'the security-severity of a result in a run that rates severities' : '']
          .filter((x) => x !== '')
          .join(' and ');
        const elsewhere = t.toolComponent === undefined ? context.definedElsewhere(t.id, t.guid) : undefined;
        const component = t.toolComponent === undefined ? 'tool.driver' : `the tool component ${JSON.stringify(t.toolComponent)}`;
        const others = t.total > 1 ? ` (and ${t.total - 1} more results)` : '';
        throw new EvidenceError(
          `${at()}${others}: ${describeReference(t)} names no rule of ${component}` +
            (elsewhere !== undefined
              ? `; the rule is in ${elsewhere}, but the result has no rule.toolComponent pointing there (without one, SARIF looks the rule up in tool.driver)`
              : '; no component of the run defines it (a typo, or a rule missing from the log)') +
            `. The rule would give ${lost}, which cannot be known, so the log is not evidence: fix the producer so that every result's rule is in the log`,
        );
      }
    }
    if (rule !== undefined) t.rule = rule;
    const ruleWhere = (): string => `${where}: rule ${JSON.stringify(rule?.id)}`;
    let ruleLevel: Level | undefined;
    let ruleLevelKnown = false;
    const levelFromRule = (): Level => {
      if (!ruleLevelKnown) {
        ruleLevelKnown = true;
        ruleLevel = rule === undefined ? undefined : context.override(rule);
        if (ruleLevel === undefined && rule !== undefined && isObject(rule.defaultConfiguration)) {
          const level = rule.defaultConfiguration.level;
          if (level !== undefined && (typeof level !== 'string' || !LEVELS.has(level))) {
            throw new EvidenceError(`${where}: rule ${JSON.stringify(rule.id)} has defaultConfiguration.level ${JSON.stringify(level)}`);
          }
          ruleLevel = level as Level | undefined;
        }
        ruleLevel ??= 'warning';
      }
      return ruleLevel as Level;
    };
    let ruleBucket: number | undefined;
    const bucketFromRule = (): number => {
      if (ruleBucket === undefined) {
        const severity = rule === undefined ? undefined : securitySeverity(rule.properties, ruleWhere);
        ruleBucket = severity === undefined ? -1 : bucketOf(severity);
      }
      return ruleBucket;
    };
    const addCells = (cells: Uint32Array, into: Counts): void => {
      for (let cell = 0; cell < CELLS; cell++) {
        const n = cells[cell] as number;
        if (n === 0) continue;
        const levelSlot = Math.floor(cell / (BUCKET_FROM_RULE + 1));
        const bucketSlot = cell % (BUCKET_FROM_RULE + 1);
        const level = levelSlot === LEVEL_FROM_RULE ? (t.ruleLevel = levelFromRule()) : LEVEL_SLOTS[levelSlot];
        into.results += n;
        if (level === 'error') into.error += n;
        else if (level === 'warning') into.warning += n;
        else if (level === 'note') into.note += n;
        const bucket = bucketSlot === BUCKET_FROM_RULE ? bucketFromRule() : bucketSlot;
        if (bucket === -1) into.unrated += n;
        else if (bucket > 0) into[BUCKETS[bucket] as 'low' | 'medium' | 'high' | 'critical'] += n;
      }
    };
    addCells(t.cells, model);
    if (watch !== undefined && model.waivers !== undefined) {
      // the same results again, by the set of waivers that match them: those with waived
      // fingerprints by theirs, the rest by their rule alone
      const waivers = model.waivers;
      const rule = watch.ruleScopes(ruleIdOf(t));
      const rest = Uint32Array.from(t.cells);
      const parts: Array<{ prints: readonly number[]; cells: Uint32Array }> = [...(t.printed?.values() ?? [])];
      for (const part of parts) for (let cell = 0; cell < CELLS; cell++) rest[cell]! -= part.cells[cell]!;
      parts.push({ prints: NO_INDICES, cells: rest });
      for (const part of parts) {
        const set = watch.match(rule, part.prints);
        if (set === '') continue;
        let counts = waivers.sets.get(set);
        if (counts === undefined) waivers.sets.set(set, (counts = emptyCounts()));
        addCells(part.cells, counts);
      }
    }
  }
  const findings = tally.findings(run.originalUriBaseIds);
  for (const level of FINDING_LEVELS) {
    for (const { item, set } of findings[level]) {
      if (model.findings[level].length >= FAILING_TESTS_KEPT) break;
      model.findings[level].push(item);
      model.waivers?.kept[level].push(set);
    }
  }
}

async function read(input: ByteSource, maxBytes: number, maxDepth: number, identitiesCap: number, scopes: FindingWaiverScope[] = []): Promise<SarifModel> {
  const tallies = new Map<object, RunTally>();
  const references = { references: 0, max: LIMITS.documentValues };
  const identities = new FailingIdentities(identitiesCap);
  const watch = scopes.length > 0 ? new WaiverWatch(scopes) : undefined;
  const waivers = watch !== undefined ? emptyWaiverTally(scopes) : undefined;
  const shape = sarifShape(
    (result, run, indices) => {
      let tally = tallies.get(run);
      if (tally === undefined) {
        tally = new RunTally(references, identities, run as Json, watch);
        if (waivers !== undefined) tally.waived = waivers;
        tallies.set(run, tally);
      }
      const [r, i] = indices() as [number, number];
      tally.add(result, i, () => runName(run as Json, r));
    },
    (run) => tallies.get(run)?.enough() ?? false,
    watch?.readsFingerprints ?? false,
  );
  const log = await readJsonDocument(input, maxBytes, maxDepth, 'SARIF log', shape);
  if (!isObject(log)) throw new EvidenceError('not a SARIF log: the document is not a JSON object');
  if (log.version !== '2.1.0') {
    throw new EvidenceError(
      log.version === undefined ? 'not a SARIF log: no "version" property' : `unsupported SARIF version ${JSON.stringify(log.version)} (only 2.1.0 is read)`,
    );
  }
  if (log.runs === undefined || log.runs === null) {
    throw new EvidenceError(`SARIF log has ${log.runs === null ? '"runs": null' : 'no "runs"'}: the tool produced no run, which is not evidence of no findings`);
  }
  if (!Array.isArray(log.runs)) throw new EvidenceError('not a SARIF log: "runs" is not an array');
  if (log.runs.length === 0) throw new EvidenceError('SARIF log has no runs ("runs": []): nothing was analysed, which is not evidence of no findings');
  const model = emptyModel(identities);
  if (waivers !== undefined) model.waivers = waivers;
  log.runs.forEach((run: unknown, r) => countRun(run, r, isObject(run) ? tallies.get(run) : undefined, model, watch));
  if (waivers !== undefined && watch?.inexact !== undefined) waivers.inexact = watch.inexact;
  return model;
}

const COUNTS = ['results', 'error', 'warning', 'note', 'critical', 'high', 'medium', 'low', 'unrated'] as const;
const SEVERITY_METRICS = { 'security.critical': 'critical', 'security.high': 'high', 'security.medium': 'medium', 'security.low': 'low' } as const;

/** Combines the waiver tallies of several logs of one criterion (read with the same waivers) into `sum`. */
function mergeWaivers(sum: WaiverTally, models: SarifModel[]): void {
  for (const m of models) {
    const w = m.waivers;
    if (w === undefined || JSON.stringify(w.scopes) !== JSON.stringify(sum.scopes)) {
      sum.inexact ??= 'the logs were not all read with the same waivers';
      continue;
    }
    if (w.inexact !== undefined) sum.inexact ??= w.inexact;
    for (const [set, counts] of w.sets) {
      let into = sum.sets.get(set);
      if (into === undefined) sum.sets.set(set, (into = emptyCounts()));
      for (const key of COUNTS) into[key] += counts[key];
    }
  }
  // an identity some waiver matched in one log and that another log has for unmatched results
  for (const m of models) {
    for (const [id, sets] of m.waivers?.identities ?? []) {
      let into = sum.identities.get(id);
      if (into === undefined) sum.identities.set(id, (into = new Set()));
      for (const set of sets) into.add(set);
    }
  }
  for (const [id, sets] of sum.identities) {
    if (models.some((m) => m.identities.has(id) && !(m.waivers?.identities.has(id) ?? false))) sets.add('');
  }
}

/** The security buckets are known when the log rates severities, or when no result counts at all. */
const severitiesKnown = (m: SarifModel): boolean => m.rated || m.unrated === 0;

/** What the narrow waivers the log was read with (ReadContext.waivers) match, for the evaluation. */
export function sarifWaivable(m: SarifModel): Waivable | undefined {
  const w = m.waivers;
  if (w === undefined) return undefined;
  const indices = (set: string): number[] => (set === '' ? [] : set.split(',').map(Number));
  const kept = [...w.kept.error.slice(0, m.findings.error.length), ...w.kept.warning.slice(0, m.findings.warning.length), ...w.kept.note.slice(0, m.findings.note.length)].slice(0, FAILING_TESTS_KEPT);
  const out: Waivable = {
    scopes: w.scopes,
    sets: [...w.sets].map(([set, c]) => ({
      scopes: indices(set),
      metrics: {
        results: c.results,
        error: c.error,
        warning: c.warning,
        note: c.note,
        'security.critical': c.critical,
        'security.high': c.high,
        'security.medium': c.medium,
        'security.low': c.low,
        'security.unrated': c.unrated,
      },
    })),
    kept: kept.map(indices),
    identities: [...w.identities].filter(([id]) => m.identities.has(id)).map(([id, sets]) => ({ id, sets: [...sets].map(indices) })),
  };
  if (w.inexact !== undefined) out.inexact = w.inexact;
  return out;
}

export const sarif: Format<SarifModel> = {
  name: 'sarif',
  read: (input, ctx) => read(input, ctx.limits.wholeDocumentBytes, ctx.limits.nestingDepth, ctx.limits.failingIdentities, ctx.waivers),
  merge(models) {
    if (models.length === 0) throw new EvidenceError('no SARIF log to combine');
    const sum = emptyModel(FailingIdentities.union(models.map((m) => m.identities)));
    const first = models[0]!.waivers;
    if (first !== undefined) sum.waivers = emptyWaiverTally(first.scopes);
    for (const m of models) {
      for (const key of COUNTS) sum[key] += m[key];
      sum.rated ||= m.rated;
      for (const level of FINDING_LEVELS) {
        m.findings[level].forEach((item, j) => {
          if (sum.findings[level].length >= FAILING_TESTS_KEPT) return;
          sum.findings[level].push(item);
          sum.waivers?.kept[level].push(m.waivers?.kept[level][j] ?? '');
        });
      }
    }
    if (sum.waivers !== undefined) mergeWaivers(sum.waivers, models);
    return sum;
  },
  metrics(m): Metrics {
    const metrics: Metrics = {
      results: { value: m.results },
      error: { value: m.error },
      warning: { value: m.warning },
      note: { value: m.note },
    };
    if (severitiesKnown(m)) for (const [name, key] of Object.entries(SEVERITY_METRICS)) metrics[name] = { value: m[key] };
    metrics['security.unrated'] = { value: m.unrated };
    return metrics;
  },
  notes(m): Record<string, string> {
    if (severitiesKnown(m)) return {};
    const reason =
      `no rule in the SARIF log declares a security-severity (the tool does not rate severities; ESLint and ruff write none), ` +
      `so its ${m.unrated} ${m.unrated === 1 ? 'result has' : 'results have'} no security bucket — gate this tool on security.unrated, error or results`;
    return Object.fromEntries(Object.keys(SEVERITY_METRICS).map((name) => [name, reason]));
  },
  failures(m): Failures {
    const kept = [...m.findings.error, ...m.findings.warning, ...m.findings.note].slice(0, FAILING_TESTS_KEPT);
    return { kept, total: m.error + m.warning + m.note, identities: m.identities.list(), identitiesComplete: m.identities.complete };
  },
  knownMetrics: {
    results: null,
    error: null,
    warning: null,
    note: null,
    'security.critical': null,
    'security.high': null,
    'security.medium': null,
    'security.low': null,
    'security.unrated': null,
  },
};
