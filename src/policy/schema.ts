/**
 * The policy language, v1: every field, default and cross-field rule lives in this file.
 * docs/policy.md describes it for people; `release-gate schema` prints it as JSON Schema.
 */
import { z } from 'zod';
import { FORMATS, FORMAT_NAMES, type FormatName } from '../readers/index.js';
import { parseExpectation, relativeProblem, type Expectation } from '../expect/expectation.js';
import { convert, parseDuration, WRITABLE_UNITS } from '../expect/units.js';
import { compilePolicyRegex } from '../readers/text.js';
import { compilePolicyPath } from '../readers/named.js';
import { LIMITS } from '../limits.js';
import type { Unit } from '../measure.js';
import { MAX_WEIGHT, scaledWeight, WEIGHT_DECIMALS } from './weight.js';
import { evidenceGlobProblem } from './glob.js';

/** A repository path glob (`paths:`): relative, '/'-separated. */
function pathGlobProblem(glob: string): string | undefined {
  if (glob.startsWith('/') || /^[A-Za-z]:/.test(glob)) return `"${glob}" is absolute; paths are relative to the repository root (src/**)`;
  if (glob.includes('\\')) return `"${glob}" has a "\\"; repository paths use "/"`;
  if (glob.split('/').includes('..')) return `"${glob}" leaves the repository ("..")`;
  return undefined;
}

const ID = /^[a-z0-9][a-z0-9_-]*$/;
const METRIC_NAME = /^[A-Za-z_][A-Za-z0-9_.()-]*$/;
/** Names that would reach into JavaScript objects' prototypes. */
const RESERVED_NAMES = new Set(['__proto__', 'constructor', 'prototype']);
const metricName = z
  .string()
  .regex(METRIC_NAME, { error: 'a metric name is letters, digits, "_", ".", "(", ")" and "-", starting with a letter or "_"' })
  .refine((n) => !RESERVED_NAMES.has(n), { error: 'this metric name is reserved' });

/** The metric every criterion has: how many files its evidence matched. */
export const FILES_METRIC = 'files';

/**
 * Metrics that compare a run with the base verdict (counts): failing tests that did not fail on the
 * base, and base failures that pass now; for SARIF, findings added and gone. Like relative
 * expectations, they need a base.
 */
export function historyMetrics(format: FormatName): string[] {
  const f = FORMATS[format];
  if (f.testResults) return [NEW_FAILURES, FIXED_FAILURES];
  if (format === 'sarif') return [NEW_FINDINGS, FIXED_FINDINGS];
  return [];
}
/**
 * Patch coverage (changed lines a coverage report instruments, and how many ran): line-level
 * coverage formats; patch.branches where the format places each branch on a line.
 */
export function patchMetrics(format: FormatName): Record<string, Unit | null> {
  const f = FORMATS[format];
  if (!f.lineCoverage) return {};
  return f.branchLines ? { ...PATCH_METRICS, ...PATCH_BRANCH_METRICS } : PATCH_METRICS;
}
const PATCH_METRICS: Record<string, Unit | null> = { 'patch.lines': '%', 'patch.lines.covered': null, 'patch.lines.total': null };
export const PATCH_BRANCH_METRICS: Record<string, Unit | null> = { 'patch.branches': '%', 'patch.branches.covered': null, 'patch.branches.total': null };
export const NEW_FAILURES = 'failed.new';
export const FIXED_FAILURES = 'failed.fixed';
export const NEW_FINDINGS = 'results.new';
export const FIXED_FINDINGS = 'results.fixed';

const identifier = (what: string) =>
  z.string().regex(ID, { error: `${what} must be lowercase letters, digits, "-" and "_", starting with a letter or digit` });

const percent = (what: string) =>
  z.number({ error: `${what} must be a number from 0 to 100` }).min(0, { error: `${what} must be at least 0` }).max(100, { error: `${what} must be at most 100` });

const globList = z.array(z.string().min(1)).min(1);

/** A criterion's expectations on one metric: absolute bounds and bounds relative to the base. */
const MAX_EXPECTATIONS_PER_METRIC = 10;
const expectationText = z.string({ error: 'an expectation is a string such as ">= 90%" (quote it in YAML)' });

const metricSpec = z
  .strictObject({
    path: z.string().min(1).optional().describe('json, yaml: RFC 9535 JSONPath selecting exactly one number'),
    count: z.string().min(1).optional().describe('text: number of matches of this regex (RE2 syntax, per line)'),
    capture: z.string().min(1).optional().describe('text: first capture group of the last match, as a number'),
    unit: z.enum([...WRITABLE_UNITS, 'ratio']).optional().describe('the unit the number is in'),
  })
  .describe('A metric named by the policy, read from json, yaml or text evidence');

const evidence = z.strictObject({
  artifact: z.string().min(1).optional().describe('glob over artifact names (sub-folders of the evidence directory)'),
  path: z.string().min(1).describe('glob of files inside the artifact, or inside the evidence directory'),
  format: z.enum(FORMAT_NAMES as [FormatName, ...FormatName[]], {
    error: `format must be one of ${FORMAT_NAMES.join(', ')}`,
  }),
});

const criterion = z.strictObject({
  id: identifier('id'),
  title: z.string().min(1).optional().describe('defaults to the id'),
  group: z.string().min(1).optional(),
  required: z.boolean().default(true).describe('a required criterion that is not passed fails the gate'),
  weight: z
    .number({ error: 'weight must be a number' })
    .positive({ error: 'weight must be greater than 0' })
    .max(MAX_WEIGHT, { error: `weight must be at most ${MAX_WEIGHT}` })
    .refine((w) => !(w > 0 && w <= MAX_WEIGHT) || scaledWeight(w) !== undefined, { error: `weight has at most ${WEIGHT_DECIMALS} decimal places (e.g. 0.5, 2.125)` })
    .default(1)
    .describe(`share of the score: a number greater than 0 and at most ${MAX_WEIGHT}, with at most ${WEIGHT_DECIMALS} decimal places`),
  profiles: z.array(identifier('a profile name')).min(1).optional().describe('only evaluated under these profiles'),
  'max-age': z.string().optional().describe('evidence older than this (e.g. 7d, 12h) counts as no evidence'),
  evidence,
  metrics: z.record(metricName, metricSpec).optional(),
  expect: z
    .record(
      metricName,
      z.union([expectationText, z.array(expectationText).min(1, { error: 'give at least one expectation' }).max(MAX_EXPECTATIONS_PER_METRIC, { error: `at most ${MAX_EXPECTATIONS_PER_METRIC} expectations per metric` })], {
        error: 'an expectation is a string such as ">= 90%" (quote it in YAML), or a list of them',
      }),
    )
    .refine((e) => Object.keys(e).length > 0, { error: 'expect needs at least one entry, e.g. files: ">= 1"' })
    .describe('metric: "<op> <value>[unit]" (absolute) or "<op> base [± amount]" (relative to the base verdict), or a list of both; op is one of == != < <= > >='),
  paths: globList
    .optional()
    .describe('repository paths (globs) the criterion is about: a change that touches none of them makes it not applicable; an unknown change makes it missing'),
  baseline: z
    .enum(['required', 'optional'])
    .default('required')
    .describe('required: a relative expectation with no base verdict leaves the criterion without evidence; optional: it is skipped, and the report says so'),
});


/** Waivers: how long one may run by default, and at most whatever the policy says. */
export const DEFAULT_WAIVER_DAYS = 90;
export const MAX_WAIVER_DAYS = 365;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A calendar date "YYYY-MM-DD" that exists (2026-02-30 does not). */
export function parseDate(text: string): Date | undefined {
  const m = DATE.exec(text);
  if (!m) return undefined;
  const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return date.toISOString().slice(0, 10) === text ? date : undefined;
}

const waiver = z.strictObject({
  criterion: identifier('criterion'),
  reason: z.string({ error: 'a waiver needs a reason: why the criterion may fail for now' }).trim().min(1, { error: 'a waiver needs a reason' }).max(500),
  expires: z
    .string({ error: 'expires is a date, quoted: "2026-12-31"' })
    .refine((d) => parseDate(d) !== undefined, { error: 'expires must be a date YYYY-MM-DD, e.g. "2026-12-31" (the waiver holds through that day, UTC)' })
    .describe('the last day (UTC) the waiver holds'),
  link: z
    .string()
    .refine((u) => /^https?:\/\/[^\s]+$/.test(u), { error: 'link must be an http(s) URL of the issue or ticket' })
    .optional(),
  'approved-by': z.string().min(1).max(100).optional().describe('who approved it'),
  tests: z
    .array(z.strictObject({ suite: z.string().optional(), name: z.string().min(1) }))
    .min(1)
    .max(1_000)
    .optional()
    .describe('only these failing tests (suite and name as the report shows them): they leave the counts, the rest is still judged'),
  rules: z
    .array(z.string().min(1))
    .min(1)
    .max(1_000)
    .optional()
    .describe('SARIF: only the findings of these rule ids (exactly: "CA2000" does not cover "CA2000/1"): they leave every count, the rest is still judged'),
  fingerprints: z
    .array(
      z.string().regex(/^[^=]+=/, {
        error: 'a fingerprint is "key=value" as the SARIF result has it in partialFingerprints or fingerprints, e.g. "primaryLocationLineHash=39fa2ee980eb94b0:1"',
      }),
    )
    .min(1)
    .max(1_000)
    .optional()
    .describe('SARIF: only the findings with one of these "key=value" entries in partialFingerprints or fingerprints (with rules: findings of those rules with those fingerprints)'),
});

const profile = z.strictObject({
  'min-score': percent('min-score').optional(),
  branches: globList.optional().describe('branch globs that select this profile'),
});

export const policySchema = z
  .strictObject({
    $schema: z.string().optional(),
    version: z.literal(1, { error: 'version must be 1' }),
    name: z.string().min(1).default('release-gate').describe('name of the check run'),
    'min-score': percent('min-score').optional().describe('weighted % of criteria that must pass'),
    'path-map': z
      .array(z.strictObject({ from: z.string().min(1), to: z.string() }))
      .max(50)
      .optional()
      .describe('prefix rewrites of coverage-file paths to repository paths, tried in order before the matching rule (patch coverage)'),
    'trend-in-comment': z
      .boolean()
      .default(false)
      .describe('also draw the trend of the base branch\'s last verdicts in the PR comment (the job summary always has it)'),
    profiles: z.record(identifier('a profile name'), profile).optional(),
    criteria: z.array(criterion).min(1, { error: 'a policy needs at least one criterion' }),
    'waiver-max-days': z
      .number({ error: 'waiver-max-days must be a whole number of days' })
      .int({ error: 'waiver-max-days must be a whole number of days' })
      .min(1, { error: 'waiver-max-days must be at least 1' })
      .max(MAX_WAIVER_DAYS, { error: `waiver-max-days must be at most ${MAX_WAIVER_DAYS}` })
      .default(DEFAULT_WAIVER_DAYS)
      .describe('the longest a waiver may run: one that expires later than this many days from the day it is judged is not used'),
    waivers: z
      .array(waiver)
      .max(200, { error: 'at most 200 waivers' })
      .optional()
      .describe('time-limited exceptions: a criterion, or some of its failing tests or SARIF findings, that may fail without failing the gate'),
  })
  .superRefine((policy, ctx) => {
    const seen = new Map<string, number>();
    policy.criteria.forEach((c, i) => {
      const at = (...rest: (string | number)[]) => ['criteria', i, ...rest];
      const first = seen.get(c.id);
      if (first !== undefined) {
        ctx.addIssue({ code: 'custom', path: at('id'), message: `duplicate id "${c.id}" (also criterion ${first + 1}); ids must be unique` });
      } else {
        seen.set(c.id, i);
      }
      c.profiles?.forEach((p, j) => {
        if (!policy.profiles || !(p in policy.profiles)) {
          const declared = Object.keys(policy.profiles ?? {});
          ctx.addIssue({
            code: 'custom',
            path: at('profiles', j),
            message: `profile "${p}" is not declared under profiles${declared.length ? ` (declared: ${declared.join(', ')})` : ''}`,
          });
        }
      });
      if (c['max-age'] !== undefined && parseDuration(c['max-age']) === undefined) {
        ctx.addIssue({ code: 'custom', path: at('max-age'), message: `max-age "${c['max-age']}" is not a duration such as 30m, 12h or 7d` });
      }
      c.paths?.forEach((glob, j) => {
        const problem = pathGlobProblem(glob);
        if (problem !== undefined) ctx.addIssue({ code: 'custom', path: at('paths', j), message: problem });
      });
      const pathProblem = evidenceGlobProblem(c.evidence.path);
      if (pathProblem !== undefined) ctx.addIssue({ code: 'custom', path: at('evidence', 'path'), message: pathProblem });
      checkMetrics(c, ctx, at);
    });
    policy.waivers?.forEach((w, i) => {
      const c = policy.criteria.find((x) => x.id === w.criterion);
      if (!c) {
        ctx.addIssue({ code: 'custom', path: ['waivers', i, 'criterion'], message: `no criterion "${w.criterion}"${didYouMean(w.criterion, policy.criteria.map((x) => x.id))}` });
        return;
      }
      if (w.tests && !FORMATS[c.evidence.format].testResults) {
        ctx.addIssue({ code: 'custom', path: ['waivers', i, 'tests'], message: `tests: names failing tests, and ${c.id} reads ${c.evidence.format}, not test results; waive the whole criterion instead` });
      }
      for (const key of ['rules', 'fingerprints'] as const) {
        if (w[key] && c.evidence.format !== 'sarif') {
          ctx.addIssue({
            code: 'custom',
            path: ['waivers', i, key],
            message: `${key}: names SARIF findings, and ${c.id} reads ${c.evidence.format}, not sarif; ${FORMATS[c.evidence.format].testResults ? 'name failing tests with tests:, or ' : ''}waive the whole criterion instead`,
          });
        }
      }
    });
  });

type RawCriterion = z.infer<typeof criterion>;

function checkMetrics(c: RawCriterion, ctx: z.RefinementCtx, at: (...rest: (string | number)[]) => (string | number)[]) {
  const format = FORMATS[c.evidence.format];
  const named = c.metrics ?? {};
  const names = Object.keys(named);
  if (names.length > LIMITS.metricsPerCriterion) {
    ctx.addIssue({ code: 'custom', path: at('metrics'), message: `more than ${LIMITS.metricsPerCriterion} named metrics (LIMITS.metricsPerCriterion)` });
  }
  for (const [name, spec] of Object.entries(named)) {
    const kinds = (['path', 'count', 'capture'] as const).filter((k) => spec[k] !== undefined);
    if (kinds.length !== 1) {
      ctx.addIssue({ code: 'custom', path: at('metrics', name), message: `metric "${name}" needs exactly one of path, count, capture` });
      continue;
    }
    const kind = kinds[0]!;
    const wants = kind === 'path' ? 'path' : 'text';
    if (format.namedMetrics !== wants) {
      const fits = kind === 'path' ? 'json or yaml' : 'text';
      ctx.addIssue({ code: 'custom', path: at('metrics', name, kind), message: `"${kind}" metrics need format ${fits}; this criterion reads ${c.evidence.format}` });
      continue;
    }
    if (name === FILES_METRIC) {
      ctx.addIssue({ code: 'custom', path: at('metrics', name), message: `"${FILES_METRIC}" is built in (number of files matched); choose another name` });
    }
    const problem = kind === 'path' ? compilePolicyPath(spec.path!) : compilePolicyRegex(spec[kind]!, kind);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', path: at('metrics', name, kind), message: problem });
  }
  let needsBase = false;
  for (const [metric, written] of Object.entries(c.expect)) {
    const texts = typeof written === 'string' ? [written] : written;
    texts.forEach((text, j) => {
      const where = typeof written === 'string' ? at('expect', metric) : at('expect', metric, j);
      const expectation = parseExpectation(text);
      if ('error' in expectation) {
        ctx.addIssue({ code: 'custom', path: where, message: expectation.error });
        return;
      }
      if (expectation.relative || historyMetrics(c.evidence.format).includes(metric)) needsBase = true;
      checkExpectation(c, metric, expectation, names, ctx, where);
    });
  }
  if (c.baseline === 'optional' && !needsBase) {
    ctx.addIssue({ code: 'custom', path: at('baseline'), message: 'baseline: optional has no effect: this criterion has no relative expectation ("<op> base …") and no failed.new/results.new; remove it' });
  }
}

function checkExpectation(c: RawCriterion, metric: string, expectation: Expectation, names: string[], ctx: z.RefinementCtx, where: (string | number)[]) {
  const format = FORMATS[c.evidence.format];
  {
    const unit = metricUnit(c, metric);
    if (unit === 'unknown') {
      const known = [...new Set([FILES_METRIC, ...(format.knownMetrics ? Object.keys(format.knownMetrics) : names), ...historyMetrics(c.evidence.format), ...Object.keys(patchMetrics(c.evidence.format))])];
      const hint = format.namedMetrics ? ` — name it under metrics first` : '';
      ctx.addIssue({
        code: 'custom',
        path: where,
        message: `${c.evidence.format} evidence has no metric "${metric}"${didYouMean(metric, known)}${hint}; it has: ${known.join(', ')}`,
      });
      return;
    }
    if (unit === 'dynamic') return; // k6 metric names come from the evidence; units are checked there
    if (expectation.relative) {
      const problem = relativeProblem(expectation, unit);
      if (problem !== undefined) ctx.addIssue({ code: 'custom', path: where, message: `${metric}: ${problem}` });
      return;
    }
    const converted = convert(expectation.value, expectation.unit, unit);
    if (typeof converted !== 'number') {
      ctx.addIssue({ code: 'custom', path: where, message: `${metric}: ${converted.error}` });
    }
  }
}

/** The unit of a metric as the policy can know it before reading evidence. */
export function metricUnit(c: Pick<RawCriterion, 'evidence' | 'metrics'>, metric: string): Unit | undefined | 'unknown' | 'dynamic' {
  if (metric === FILES_METRIC) return undefined;
  if (historyMetrics(c.evidence.format).includes(metric)) return undefined;
  const patch = patchMetrics(c.evidence.format);
  if (Object.hasOwn(patch, metric)) return patch[metric] ?? undefined;
  const format = FORMATS[c.evidence.format];
  if (format.knownMetrics) return metric in format.knownMetrics ? (format.knownMetrics[metric] ?? undefined) : 'unknown';
  if (format.namedMetrics) {
    const spec = c.metrics?.[metric];
    return spec ? spec.unit : 'unknown';
  }
  return 'dynamic';
}

/** " (did you mean "x"?)" for the closest of `candidates`, or "". */
export function didYouMean(word: string, candidates: readonly string[]): string {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  const close = bestDistance <= Math.max(1, Math.floor(word.length / 3)) && bestDistance < word.length;
  return best !== undefined && close ? ` (did you mean "${best}"?)` : '';
}

/** Edit distance where swapping two neighbours counts as one edit ("paht" → "path"). */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

export type PolicyInput = z.input<typeof policySchema>;
export type ParsedPolicy = z.output<typeof policySchema>;
export type ParsedCriterion = ParsedPolicy['criteria'][number];
