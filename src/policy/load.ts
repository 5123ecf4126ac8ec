/**
 * Policy text -> validated Policy, or errors as `FILE:LINE:COL: message`. YAML node positions are
 * kept so every error, and later every check-run annotation, points at the line to change.
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node, type YAMLError } from 'yaml';
import { z } from 'zod';
import { parseExpectation, parseNumber, type Expectation } from '../expect/expectation.js';
import { parseDuration } from '../expect/units.js';
import type { Unit } from '../measure.js';
import type { FormatName } from '../readers/index.js';
import type { FindingWaiverScope, NamedMetricSpec } from '../readers/types.js';
import type { PathRewrite } from '../changes/patch.js';
import { didYouMean, metricUnit, policySchema, type ParsedCriterion } from './schema.js';

export interface Position {
  line: number;
  column: number;
}

export interface PolicyError extends Position {
  file: string;
  message: string;
}

export interface Expect {
  metric: string;
  expectation: Expectation;
  /** the metric's unit when the policy knows it; 'dynamic' when only the evidence can tell (k6) */
  unit: Unit | undefined | 'dynamic';
  position: Position;
}

export interface Criterion {
  id: string;
  title: string;
  group?: string;
  required: boolean;
  weight: number;
  profiles?: string[];
  maxAgeMs?: number;
  maxAge?: string;
  evidence: { artifact?: string; path: string; format: FormatName };
  metrics: Record<string, NamedMetricSpec>;
  expect: Expect[];
  /** whether a relative expectation without a base verdict leaves the criterion missing (required) or is skipped */
  baseline: 'required' | 'optional';
  /** repository path globs the criterion is about (not applicable to a change that touches none) */
  paths?: string[];
  /**
   * what the policy's narrow waivers of this criterion's findings name (SARIF `rules:` /
   * `fingerprints:`), in policy order, for the reader to tally (whether they hold is the verdict's)
   */
  findingWaivers?: FindingWaiverScope[];
  position: Position;
}

export interface Waiver {
  criterion: string;
  reason: string;
  /** the last day it holds, "YYYY-MM-DD" (UTC) */
  expires: string;
  link?: string;
  approvedBy?: string;
  /** narrower: only these failing tests */
  tests?: Array<{ suite?: string; name: string }>;
  /** narrower (SARIF): only the findings of these rule ids (matched exactly) */
  rules?: string[];
  /** narrower (SARIF): only the findings with one of these `key=value` (partial) fingerprints */
  fingerprints?: string[];
  position: Position;
}

export interface Profile {
  name: string;
  minScore?: number;
  branches?: string[];
}

export interface Policy {
  file: string;
  name: string;
  /** draw the trend in the PR comment too */
  trendInComment: boolean;
  /** prefix rewrites of coverage paths to repository paths (patch coverage) */
  pathMap: PathRewrite[];
  waivers: Waiver[];
  /** the longest a waiver may run, in days */
  waiverMaxDays: number;
  minScore?: number;
  profiles: Profile[];
  criteria: Criterion[];
}

export type LoadResult = { ok: true; policy: Policy } | { ok: false; errors: PolicyError[] };

export function formatPolicyError(e: PolicyError): string {
  return `${e.file}:${e.line}:${e.column}: ${e.message}`;
}

/** Parses and validates policy text. `file` is how errors name the file. */
export function loadPolicy(text: string, file: string): LoadResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const positionOf = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  if (doc.errors.length > 0) return { ok: false, errors: [yamlError(text, doc.errors, file, positionOf)] };
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    return { ok: false, errors: [{ file, line: 1, column: 1, message: `YAML: ${(err as Error).message}` }] };
  }
  if (data === null || data === undefined) {
    return { ok: false, errors: [{ file, line: 1, column: 1, message: 'the policy file is empty; start with "version: 1" and a list of criteria' }] };
  }
  const parsed = policySchema.safeParse(data);
  if (!parsed.success) {
    return { ok: false, errors: issuesToErrors(parsed.error.issues, doc, file, positionOf) };
  }
  const p = parsed.data;
  const nodePosition = (path: (string | number)[]): Position => positionOf(nodeAt(doc, path)?.range?.[0] ?? 0);
  const policy: Policy = {
    file,
    name: p.name,
    trendInComment: p['trend-in-comment'],
    pathMap: p['path-map'] ?? [],
    waivers: (p.waivers ?? []).map((w, i) => ({
      criterion: w.criterion,
      reason: w.reason,
      expires: w.expires,
      ...(w.link !== undefined && { link: w.link }),
      ...(w['approved-by'] !== undefined && { approvedBy: w['approved-by'] }),
      ...(w.tests !== undefined && { tests: w.tests.map((t) => ({ ...(t.suite !== undefined && { suite: t.suite }), name: t.name })) }),
      ...(w.rules !== undefined && { rules: w.rules }),
      ...(w.fingerprints !== undefined && { fingerprints: w.fingerprints }),
      position: nodePosition(['waivers', i]),
    })),
    waiverMaxDays: p['waiver-max-days'],
    profiles: Object.entries(p.profiles ?? {}).map(([name, profile]) => ({
      name,
      ...(profile['min-score'] !== undefined && { minScore: profile['min-score'] }),
      ...(profile.branches && { branches: profile.branches }),
    })),
    criteria: p.criteria.map((c, i) => toCriterion(c, (...rest) => nodePosition(['criteria', i, ...rest]))),
  };
  if (p['min-score'] !== undefined) policy.minScore = p['min-score'];
  for (const c of policy.criteria) {
    const scopes = policy.waivers.filter((w) => w.criterion === c.id).flatMap(findingWaiverScope);
    if (scopes.length > 0) c.findingWaivers = scopes;
  }
  return { ok: true, policy };
}

/** What a narrow waiver of SARIF findings names ([] for any other waiver); the verdict pairs them up in the same order. */
export function findingWaiverScope(w: Pick<Waiver, 'rules' | 'fingerprints'>): FindingWaiverScope[] {
  if (w.rules === undefined && w.fingerprints === undefined) return [];
  return [{ ...(w.rules !== undefined && { rules: w.rules }), ...(w.fingerprints !== undefined && { fingerprints: w.fingerprints }) }];
}

function toCriterion(c: ParsedCriterion, position: (...path: (string | number)[]) => Position): Criterion {
  const criterion: Criterion = {
    id: c.id,
    title: c.title ?? c.id,
    required: c.required,
    weight: c.weight,
    evidence: { path: c.evidence.path, format: c.evidence.format },
    metrics: c.metrics ?? {},
    expect: Object.entries(c.expect).flatMap(([metric, written]) => {
      const unit = metricUnit(c, metric);
      const texts = typeof written === 'string' ? [written] : written;
      return texts.map((text, j) => ({
        metric,
        // validated by the schema already
        expectation: parseExpectation(text) as Expectation,
        unit: unit === 'unknown' ? undefined : unit,
        position: typeof written === 'string' ? position('expect', metric) : position('expect', metric, j),
      }));
    }),
    baseline: c.baseline,
    position: position(),
  };
  if (c.group !== undefined) criterion.group = c.group;
  if (c.profiles) criterion.profiles = c.profiles;
  if (c.paths) criterion.paths = c.paths;
  if (c.evidence.artifact !== undefined) criterion.evidence.artifact = c.evidence.artifact;
  if (c['max-age'] !== undefined) {
    criterion.maxAge = c['max-age'];
    criterion.maxAgeMs = parseDuration(c['max-age'])!;
  }
  return criterion;
}

function issuesToErrors(issues: z.core.$ZodIssue[], doc: Document, file: string, positionOf: (offset: number) => Position): PolicyError[] {
  const errors: PolicyError[] = [];
  for (const issue of issues) {
    const path = issue.path as (string | number)[];
    if (issue.code === 'unrecognized_keys') {
      const parent = nodeAt(doc, path);
      const allowed = allowedKeys(path);
      for (const key of issue.keys) {
        const keyNode = isMap(parent) ? parent.items.find((pair) => isScalar(pair.key) && pair.key.value === key)?.key : undefined;
        const offset = (keyNode as Node | undefined)?.range?.[0] ?? parent?.range?.[0] ?? 0;
        errors.push({
          file,
          ...positionOf(offset),
          message: `${describePath(path, `unknown key "${key}"`)}${didYouMean(key, allowed)}; allowed: ${allowed.join(', ')}`,
        });
      }
      continue;
    }
    if (issue.code === 'invalid_key') {
      // a record key that breaks the rules: point at the key, say the key's own rule
      const parent = nodeAt(doc, path.slice(0, -1));
      const key = path[path.length - 1];
      const keyNode = isMap(parent) ? parent.items.find((pair) => isScalar(pair.key) && pair.key.value === key)?.key : undefined;
      const offset = (keyNode as Node | undefined)?.range?.[0] ?? parent?.range?.[0] ?? 0;
      errors.push({ file, ...positionOf(offset), message: describePath(path, issue.issues[0]?.message ?? issue.message) });
      continue;
    }
    const node = nodeAt(doc, path);
    let message = unquotedTag(node) ?? issue.message + hintFor(issue, node);
    let offset = node?.range?.[0];
    if (node === undefined) {
      // a required key is absent: point at the map that should hold it
      offset = nodeAt(doc, path.slice(0, -1))?.range?.[0];
      message = `missing required key "${String(path[path.length - 1])}"`;
      errors.push({ file, ...positionOf(offset ?? 0), message: describePath(path.slice(0, -1), message) });
      continue;
    }
    errors.push({ file, ...positionOf(offset ?? 0), message: describePath(path, message) });
  }
  return errors.sort((a, b) => a.line - b.line || a.column - b.column);
}

/**
 * One YAML syntax error, the first: after it the parser's follow-on errors (a tab gives ten) only
 * bury it. The two a newcomer meets first get the fix named: an unquoted expectation (a bare `>`
 * starts a folded block, `!` a tag) and a tab used for indentation.
 */
function yamlError(text: string, errors: readonly YAMLError[], file: string, positionOf: (offset: number) => Position): PolicyError {
  const first = [...errors].sort((a, b) => a.pos[0] - b.pos[0])[0]!;
  const at = positionOf(first.pos[0]);
  const lines = text.split(/\r?\n/);
  // a tab in the indentation of this line or any line before it is the cause
  const tabbed = lines.slice(0, at.line).findIndex((l) => /^ *\t/.test(l));
  if (tabbed !== -1) {
    const column = lines[tabbed]!.indexOf('\t') + 1;
    return { file, line: tabbed + 1, column, message: 'YAML: a tab indents this line; YAML allows only spaces for indentation: replace the tab with spaces' };
  }
  const unquoted = UNQUOTED_EXPECTATION.exec(lines[at.line - 1] ?? '');
  if (unquoted) {
    const [, key, expectation] = unquoted;
    return {
      file,
      ...at,
      message: `YAML: ${firstLine(first.message)} — quote the expectation: ${key}: "${expectation!.trim()}" (${expectation!.startsWith('!') ? 'a bare "!" starts a YAML tag' : 'a bare ">" starts a folded block in YAML'})`,
    };
  }
  return { file, ...at, message: `YAML: ${firstLine(first.message)}` };
}

/** `key: >= 75%` with the expectation not quoted. */
const UNQUOTED_EXPECTATION = /([A-Za-z_][A-Za-z0-9_.()-]*)\s*:\s*((?:>=?|<=?|!=|==)[^,}#"']*)/;

/** `failed: != 0` reads as the YAML tag "!=" on the value 0: say so instead of "cannot read 0". */
function unquotedTag(node: Node | undefined): string | undefined {
  if (!isScalar(node) || typeof node.tag !== 'string' || !node.tag.startsWith('!')) return undefined;
  return `the expectation is not quoted, so YAML read "${node.tag}" as a tag: quote it, "${node.tag} ${String(node.value)}"`;
}

/** Why a value of the right shape but the wrong spelling was refused, and what to write. */
function hintFor(issue: z.core.$ZodIssue, node: Node | undefined): string {
  if (!isScalar(node)) return '';
  const value = node.value;
  if (issue.code === 'invalid_type' && issue.expected === 'number' && typeof value === 'string') {
    const percent = /^\s*(-?[0-9.]+)\s*%\s*$/.exec(value);
    if (percent) return `; write ${percent[1]} without the "%" (the field is a percentage already)`;
    const number = parseNumber(value.trim());
    if (typeof number === 'number') return `; write ${value.trim()} without quotes`;
    // "0,5" or "1.000.000": the same spelling rules as in expectations
    if (/^[-+]?[0-9.,_]+$/.test(value.trim())) return `; ${number.error}`;
  }
  if (issue.code === 'invalid_value' && typeof value === 'string') {
    return didYouMean(value, issue.values.filter((v): v is string => typeof v === 'string'));
  }
  return '';
}

function describePath(path: (string | number)[], message: string): string {
  if (path.length === 0) return message;
  const text = path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
  return `${text}: ${message}`;
}

/** The YAML node at a data path (map keys and sequence indexes). */
function nodeAt(doc: Document, path: (string | number)[]): Node | undefined {
  let node: unknown = doc.contents;
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === key);
      node = pair?.value;
    } else if (isSeq(node) && typeof key === 'number') {
      node = node.items[key];
    } else {
      return undefined;
    }
    if (node === undefined || node === null) return undefined;
  }
  return node as Node;
}

/** Keys the schema allows at a data path, for "did you mean". */
function allowedKeys(path: (string | number)[]): string[] {
  let schema: z.core.$ZodType = policySchema;
  for (const key of [...path, undefined]) {
    schema = unwrap(schema);
    if (key === undefined) break;
    const def = schema._zod.def as unknown as Record<string, unknown>;
    if (def.type === 'object') schema = (def.shape as Record<string, z.core.$ZodType>)[key as string] ?? schema;
    else if (def.type === 'array') schema = def.element as z.core.$ZodType;
    else if (def.type === 'record') schema = def.valueType as z.core.$ZodType;
  }
  const def = schema._zod.def as unknown as Record<string, unknown>;
  return def.type === 'object' ? Object.keys(def.shape as object) : [];
}

function unwrap(schema: z.core.$ZodType): z.core.$ZodType {
  let def = schema._zod.def as unknown as Record<string, unknown>;
  while (def.innerType !== undefined || def.type === 'pipe') {
    schema = (def.innerType ?? def.in) as z.core.$ZodType;
    def = schema._zod.def as unknown as Record<string, unknown>;
  }
  return schema;
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}
