import { isDeepStrictEqual } from 'node:util';
import { EvidenceError } from '../measure.js';
import type { Metric, Metrics, Unit } from '../measure.js';
import { readJsonDocument } from './json.js';
import type { ByteSource, Format } from './types.js';

/**
 * k6 end-of-test summaries, in the three JSON shapes k6 writes:
 *
 * (a) `k6 run --summary-export=file.json` (the legacy export): `metrics.<name>` holds the statistics
 *     flat (`"p(95)": 12.3`), rate metrics carry their rate as `value`, and `thresholds` maps each
 *     threshold to a boolean that is `true` when the threshold FAILED. It has no metric types: the
 *     type is inferred from the statistics, and only k6's built-in time trends (http_req_duration,
 *     iteration_duration, ...) and data counters (data_sent, data_received, ...) get a unit.
 * (b) the `handleSummary(data)` object written as JSON: `metrics.<name>` = `{type, contains, values,
 *     thresholds: {"p(95)<500": {ok}}}`.
 * (c) the machine-readable summary of k6 1.x `--new-machine-readable-summary` (both for
 *     --summary-export and handleSummary): `{version, metadata, config, results: {metrics: [{name,
 *     type, contains, values}], checks: {metrics, results}}}`. k6 itself writes rate values as
 *     `{matches, total, rate}`; the grafana/k6-summary schema writes `{passes, fails, rate}`; both are
 *     read. This shape carries no thresholds, so it has no `thresholds.*` metrics.
 *
 * Every statistic becomes `<metric>.<stat>`, with percentiles written `p95`, `p99.9` (k6's `p(95)`).
 * Units: trend statistics of time metrics in ms (their `count` is a plain sample count), rates
 * (`<rate>.rate`) as 'ratio', data counters and gauges in bytes ('B'), time counters and gauges in ms,
 * everything else (counter `rate`s are per second) plain. `checks.passes`/`checks.fails` come from the
 * `checks` metric (in shape (c) from `checks_succeeded`). `thresholds.failed` and `thresholds.total`
 * count the thresholds k6 evaluated, when the file defines any.
 *
 * Several summaries cannot be combined (percentiles do not add up): merge() refuses them.
 *
 * Nothing is read twice: a metric listed twice (shape (c): twice in one list, or in results.metrics
 * and results.checks.metrics with different values; two metric objects with one name), a key
 * repeated in a JSON object (shapes (a) and (b): the JSON reader refuses it), and two statistics
 * that mean the same (`p(95)` and `p95`) are refused, never resolved to the first or last value.
 */
export interface K6Model {
  metrics: Metrics;
}

type Json = Record<string, unknown>;
type MetricType = 'counter' | 'gauge' | 'rate' | 'trend';
type Contains = 'default' | 'time' | 'data';

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

const TYPES = new Set<string>(['counter', 'gauge', 'rate', 'trend']);
const CONTAINS = new Set<string>(['default', 'time', 'data']);
const PLAIN_STATS = new Set(['avg', 'min', 'med', 'max', 'count', 'rate', 'value', 'passes', 'fails']);
const PERCENTILE = /^p\((\d+(?:\.\d+)?)\)$|^p(\d+(?:\.\d+)?)$/;
const TREND_STATS = new Set(['avg', 'min', 'med', 'max']);

/** k6's built-in trends that hold milliseconds (the legacy export does not say which trends are times). */
const BUILTIN_TIME_TRENDS = new Set([
  'http_req_duration',
  'http_req_blocked',
  'http_req_connecting',
  'http_req_tls_handshaking',
  'http_req_sending',
  'http_req_waiting',
  'http_req_receiving',
  'iteration_duration',
  'group_duration',
  'grpc_req_duration',
  'ws_connecting',
  'ws_session_duration',
  'ws_ping',
  'browser_http_req_duration',
  'browser_web_vital_fcp',
  'browser_web_vital_fid',
  'browser_web_vital_inp',
  'browser_web_vital_lcp',
  'browser_web_vital_ttfb',
]);
/** k6's built-in counters that hold bytes. */
const BUILTIN_DATA_COUNTERS = new Set(['data_sent', 'data_received', 'browser_data_sent', 'browser_data_received']);

/** `http_req_duration{status:200}` -> `http_req_duration` */
const baseName = (name: string): string => {
  const brace = name.indexOf('{');
  return brace === -1 ? name : name.slice(0, brace);
};

function normalizeStat(stat: string, metric: string): string {
  if (PLAIN_STATS.has(stat)) return stat;
  const p = PERCENTILE.exec(stat);
  if (p !== null) return `p${p[1] ?? p[2]}`;
  throw new EvidenceError(`k6 metric ${JSON.stringify(metric)} has an unknown statistic ${JSON.stringify(stat)}`);
}

function unitOf(type: MetricType, contains: Contains, stat: string): Unit | undefined {
  const valueUnit: Unit | undefined = contains === 'time' ? 'ms' : contains === 'data' ? 'B' : undefined;
  switch (type) {
    case 'rate':
      return stat === 'rate' || stat === 'value' ? 'ratio' : undefined;
    case 'counter':
      return stat === 'count' ? valueUnit : undefined;
    case 'gauge':
      return valueUnit;
    case 'trend':
      return stat === 'count' ? undefined : valueUnit;
  }
}

class Collector {
  readonly metrics: Metrics = {};
  thresholdsTotal = 0;
  thresholdsFailed = 0;

  add(metric: string, type: MetricType, contains: Contains, values: Json): void {
    if (metric === '') throw new EvidenceError('a k6 metric has an empty name');
    // a metric with no (non-null) statistics adds no numbers; a summary with none at all is refused
    for (const [rawStat, value] of Object.entries(values)) {
      if (value === null) continue; // k6 writes NaN statistics (no samples) as null: no number, not zero
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        throw new EvidenceError(`k6 metric ${JSON.stringify(metric)} statistic ${JSON.stringify(rawStat)} is ${JSON.stringify(value)}, not a number`);
      }
      const stat = normalizeStat(rawStat, metric);
      this.set(metric, stat, value, unitOf(type, contains, stat));
    }
  }

  set(metric: string, stat: string, value: number, unit: Unit | undefined): void {
    const key = `${metric}.${stat}`;
    if (Object.hasOwn(this.metrics, key)) throw new EvidenceError(`k6 summary has ${key} twice`);
    const entry: Metric = { value };
    if (unit !== undefined) entry.unit = unit;
    this.metrics[key] = entry;
  }

  threshold(failed: boolean): void {
    this.thresholdsTotal++;
    if (failed) this.thresholdsFailed++;
  }

  finish(): K6Model {
    if (Object.keys(this.metrics).length === 0) throw new EvidenceError('k6 summary has no metrics');
    if (this.thresholdsTotal > 0) {
      this.metrics['thresholds.failed'] = { value: this.thresholdsFailed };
      this.metrics['thresholds.total'] = { value: this.thresholdsTotal };
    }
    return { metrics: this.metrics };
  }
}

function typeAndContains(name: string, raw: Json, where: string): [MetricType, Contains] {
  if (typeof raw.type !== 'string' || !TYPES.has(raw.type)) {
    throw new EvidenceError(`${where} ${JSON.stringify(name)} has type ${JSON.stringify(raw.type)}, not counter, gauge, rate or trend`);
  }
  if (typeof raw.contains !== 'string' || !CONTAINS.has(raw.contains)) {
    throw new EvidenceError(`${where} ${JSON.stringify(name)} has contains ${JSON.stringify(raw.contains)}, not default, time or data`);
  }
  return [raw.type as MetricType, raw.contains as Contains];
}

/** Shape (b): handleSummary() data. */
function readHandleSummary(metrics: Json, out: Collector): void {
  for (const [name, raw] of Object.entries(metrics)) {
    if (!isObject(raw) || !isObject(raw.values)) throw new EvidenceError(`k6 metric ${JSON.stringify(name)} has no "values" object`);
    const [type, contains] = typeAndContains(name, raw, 'k6 metric');
    out.add(name, type, contains, raw.values);
    if (raw.thresholds === undefined) continue;
    if (!isObject(raw.thresholds)) throw new EvidenceError(`k6 metric ${JSON.stringify(name)}: thresholds is not an object`);
    for (const [threshold, result] of Object.entries(raw.thresholds)) {
      if (!isObject(result) || typeof result.ok !== 'boolean') {
        throw new EvidenceError(`k6 metric ${JSON.stringify(name)}: threshold ${JSON.stringify(threshold)} has no boolean "ok"`);
      }
      out.threshold(!result.ok);
    }
  }
}

/** Shape (a): the legacy --summary-export, statistics flat and no metric types. */
function readLegacyExport(metrics: Json, out: Collector): void {
  for (const [name, raw] of Object.entries(metrics)) {
    if (!isObject(raw)) throw new EvidenceError(`k6 metric ${JSON.stringify(name)} is not an object`);
    const { thresholds, ...values } = raw;
    const stats = Object.keys(values);
    const has = (s: string): boolean => stats.includes(s);
    let type: MetricType;
    if (has('passes') || has('fails')) type = 'rate';
    else if (has('value')) type = 'gauge';
    else if (has('rate') && has('count') && stats.length === 2) type = 'counter';
    else if (stats.some((s) => TREND_STATS.has(s) || PERCENTILE.test(s) || s === 'count')) type = 'trend';
    else throw new EvidenceError(`k6 metric ${JSON.stringify(name)} is not a k6 summary metric (statistics ${JSON.stringify(stats)})`);
    const base = baseName(name);
    const contains: Contains =
      type === 'trend' && BUILTIN_TIME_TRENDS.has(base) ? 'time' : type === 'counter' && BUILTIN_DATA_COUNTERS.has(base) ? 'data' : 'default';
    if (type === 'rate') {
      // the legacy export renames a rate's "rate" to "value" (k6 summary-wrapper.js); expose both names
      if (typeof values.value === 'number' && !has('rate')) values.rate = values.value;
    }
    out.add(name, type, contains, values);
    if (thresholds === undefined) continue;
    if (!isObject(thresholds)) throw new EvidenceError(`k6 metric ${JSON.stringify(name)}: thresholds is not an object`);
    for (const [threshold, failed] of Object.entries(thresholds)) {
      // legacy export: true means the threshold was crossed (failed)
      if (typeof failed !== 'boolean') throw new EvidenceError(`k6 metric ${JSON.stringify(name)}: threshold ${JSON.stringify(threshold)} is not a boolean`);
      out.threshold(failed);
    }
  }
}

/** The metric objects of shape (c), as an array (k6) or an object of metrics (some schema drafts). */
function metricList(raw: unknown, where: string): Json[] {
  const list = Array.isArray(raw) ? raw : isObject(raw) ? Object.values(raw) : undefined;
  if (list === undefined) throw new EvidenceError(`k6 machine-readable summary: ${where} is not an array`);
  return list.map((m, i) => {
    if (!isObject(m) || typeof m.name !== 'string') throw new EvidenceError(`k6 machine-readable summary: ${where}[${i}] is not a named metric`);
    return m;
  });
}

/** Shape (c): the machine-readable summary. */
function readMachineReadable(doc: Json, out: Collector): void {
  if (typeof doc.version !== 'string' || !/^1\.\d+\.\d+/.test(doc.version)) {
    throw new EvidenceError(`k6 machine-readable summary version ${JSON.stringify(doc.version)} is not supported (1.x is read)`);
  }
  const results = doc.results as Json;
  const metrics = metricList(results.metrics, 'results.metrics');
  const checks = results.checks;
  if (checks !== undefined && checks !== null && !isObject(checks)) throw new EvidenceError('k6 machine-readable summary: results.checks is not an object');
  const checkMetrics = isObject(checks) && checks.metrics !== undefined && checks.metrics !== null ? metricList(checks.metrics, 'results.checks.metrics') : [];
  // a metric listed twice would keep one of two values silently: refused, as duplicate JSON keys are
  const seen = new Map<string, { list: string; index: number; metric: Json }>();
  const listed: [Json, string, number][] = [
    ...metrics.map((m, i): [Json, string, number] => [m, 'results.metrics', i]),
    ...checkMetrics.map((m, i): [Json, string, number] => [m, 'results.checks.metrics', i]),
  ];
  for (const [m, list, index] of listed) {
    const name = m.name as string;
    const first = seen.get(name);
    if (first !== undefined) {
      const both = first.list === list ? `${list}[${first.index}] and [${index}]` : `${first.list}[${first.index}] and ${list}[${index}]`;
      // the check metrics may also be listed among all metrics: the same metric twice is one metric
      if (first.list !== list && isDeepStrictEqual(first.metric, m)) continue;
      throw new EvidenceError(
        `k6 machine-readable summary: metric ${JSON.stringify(name)} is listed twice (${both})${first.list === list ? '' : ' with different values'}: which values count would be a guess`,
      );
    }
    seen.set(name, { list, index, metric: m });
    if (!isObject(m.values)) throw new EvidenceError(`k6 machine-readable summary: metric ${JSON.stringify(name)} has no "values" object`);
    const [type, contains] = typeAndContains(name, m, 'k6 machine-readable summary: metric');
    const values = { ...m.values };
    if (type === 'rate' && ('matches' in values || 'total' in values)) {
      // k6 writes {matches, total, rate}: matches are the true (passing) samples
      const { matches, total } = values;
      if (typeof matches !== 'number' || typeof total !== 'number' || matches > total) {
        throw new EvidenceError(`k6 machine-readable summary: rate ${JSON.stringify(name)} has matches ${JSON.stringify(matches)} of total ${JSON.stringify(total)}`);
      }
      delete values.matches;
      delete values.total;
      values.passes = matches;
      values.fails = total - matches;
    }
    out.add(name, type, contains, values);
  }
  // checks.passes / checks.fails / checks.rate, as the other shapes have them from the `checks` rate
  if (!seen.has('checks')) {
    const passes = out.metrics['checks_succeeded.passes'];
    const fails = out.metrics['checks_succeeded.fails'];
    const rate = out.metrics['checks_succeeded.rate'];
    if (passes !== undefined && fails !== undefined) {
      out.set('checks', 'passes', passes.value, undefined);
      out.set('checks', 'fails', fails.value, undefined);
      if (rate !== undefined) out.set('checks', 'rate', rate.value, 'ratio');
    }
  }
}

async function read(input: ByteSource, maxBytes: number, maxDepth: number): Promise<K6Model> {
  let doc: unknown;
  try {
    doc = await readJsonDocument(input, maxBytes, maxDepth, 'k6 summary');
  } catch (err) {
    if (err instanceof EvidenceError && err.message.includes('after the JSON value')) {
      throw new EvidenceError(`${err.message} (several JSON documents: is this k6's --out json sample stream? The gate reads the end-of-test summary)`, err.position);
    }
    throw err;
  }
  if (!isObject(doc)) throw new EvidenceError('not a k6 summary: the document is not a JSON object');
  const out = new Collector();
  if (isObject(doc.results) && (Array.isArray(doc.results.metrics) || isObject(doc.results.metrics)) && 'version' in doc) {
    readMachineReadable(doc, out);
    return out.finish();
  }
  if (!isObject(doc.metrics)) throw new EvidenceError('not a k6 summary: no "metrics" object (expected --summary-export or handleSummary() JSON)');
  const entries = Object.values(doc.metrics);
  const withValues = entries.filter((m) => isObject(m) && isObject(m.values) && typeof m.type === 'string').length;
  if (withValues > 0 && withValues === entries.length) readHandleSummary(doc.metrics, out);
  else if (withValues === 0) readLegacyExport(doc.metrics, out);
  else throw new EvidenceError('not a k6 summary: some metrics have "type"/"values" and some do not');
  return out.finish();
}

export const k6: Format<K6Model> = {
  name: 'k6',
  read: (input, ctx) => read(input, ctx.limits.wholeDocumentBytes, ctx.limits.nestingDepth),
  merge(models) {
    if (models.length === 1) return models[0]!;
    if (models.length === 0) throw new EvidenceError('no k6 summary matched');
    throw new EvidenceError(`${models.length} k6 summaries matched; metrics cannot be combined — narrow the evidence path`);
  },
  metrics: (m) => m.metrics,
};
