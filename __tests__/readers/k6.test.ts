import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EvidenceError } from '../../src/measure.js';
import type { Metrics } from '../../src/measure.js';
import { k6, type K6Model } from '../../src/readers/k6.js';
import { bytesSource, CONFORMANCE, context, evidenceError, fileSource, FIXTURES, manifest } from '../helpers/evidence.js';

/*
 * k6 is not installed here and cannot be downloaded, so the fixtures in __tests__/fixtures/k6/ were
 * written by hand, faithfully to k6's source:
 * - summary-export-legacy.json: `k6 run --summary-export`, as grafana/k6 internal/js/summary-wrapper.js
 *   `oldJSONSummary` writes it: options/state dropped, each metric's `values` flattened into the metric,
 *   thresholds turned into `name: !ok` (true = failed), a rate's `rate` renamed `value`, root_group's
 *   groups/checks arrays turned into objects keyed by name, JSON.stringify(…, null, 4); group and check
 *   ids are md5(path) as in k6's lib.NewGroup/NewCheck.
 * - handle-summary.json: the handleSummary(data) object of internal/js/summary.go
 *   `summarizeMetricsToObject` (root_group, options, state, metrics {type, contains, values,
 *   thresholds {source: {ok}}}, setup_data), with custom summaryTrendStats incl. p(99.9) and count.
 * - machine-readable.json: `--new-machine-readable-summary`, as internal/lib/summary/machine_readable.go
 *   `ToMachineReadable` builds it (generated types: config, metadata, results {checks {metrics, results},
 *   metrics [{contains, name, type, values}]}, version "1.0.0"; counter {count}, gauge {max, min,
 *   value}, rate {matches, rate, total}, trend {avg, max, med, min, p(90), p(95)}).
 * - machine-readable-schema.json: the same summary as the grafana/k6-summary JSON schema 1.0.0 describes
 *   it (results.passed, metric category, counter rate, rate {rate, passes, fails}, trend count).
 * The two corpus files (benc-uk/k6-reporter tests/data) are real handleSummary() output.
 *
 * Expected metrics: __tests__/fixtures/k6/expected/*.metrics.json, written by derive.py there, an
 * independent Python implementation of the mapping; a few values are also checked literally below
 * against the raw files.
 */

const expected = (name: string): Metrics =>
  JSON.parse(readFileSync(path.join(FIXTURES, 'k6/expected', `${name}.metrics.json`), 'utf8')) as Metrics;

const read = (file: string, chunk = 256): Promise<K6Model> => k6.read(fileSource(file, chunk), context(path.basename(file)));
const readText = (text: string): Promise<K6Model> => k6.read(bytesSource(text), context('summary.json'));

const rejection = evidenceError;

describe('k6: conformance corpus (handleSummary data)', () => {
  const entries = manifest().filter((e) => e.format === 'k6');

  it('has the two k6-reporter files', () => {
    expect(entries.map((e) => e.path).sort()).toEqual(['k6/k6-reporter/grpc.json', 'k6/k6-reporter/simple.json']);
  });

  it.each(entries.map((e) => [e.path] as const))('%s', async (file) => {
    const model = await read(path.join(CONFORMANCE, file));
    expect(k6.metrics(model)).toEqual(expected(path.basename(file, '.json')));
  });

  it('simple.json: values as k6 wrote them, with units', async () => {
    const m = k6.metrics(await read(path.join(CONFORMANCE, 'k6/k6-reporter/simple.json')));
    expect(m['http_req_duration.p95']).toEqual({ value: 30.0256841, unit: 'ms' });
    expect(m['http_req_duration{expected_response:true}.p99']).toEqual({ value: 36.64458528, unit: 'ms' });
    expect(m['http_req_failed.rate']).toEqual({ value: 0.39749430523917995, unit: 'ratio' });
    expect(m['http_reqs.count']).toEqual({ value: 878 });
    expect(m['http_reqs.rate']).toEqual({ value: 35.94634922417172 });
    expect(m['data_received.count']).toEqual({ value: 4767303, unit: 'B' });
    expect(m['vus_max.value']).toEqual({ value: 20 });
    expect(m['checks.passes']).toEqual({ value: 529 });
    expect(m['checks.fails']).toEqual({ value: 349 });
    // two thresholds, both ok
    expect(m['thresholds.failed']).toEqual({ value: 0 });
    expect(m['thresholds.total']).toEqual({ value: 2 });
  });

  it('grpc.json: the failed threshold and the custom (unit-less) metrics', async () => {
    const m = k6.metrics(await read(path.join(CONFORMANCE, 'k6/k6-reporter/grpc.json')));
    // fake_rate 'rate >= 0.8' has ok=false; 'med <= 2' on grpc_req_duration is ok
    expect(m['thresholds.failed']).toEqual({ value: 1 });
    expect(m['thresholds.total']).toEqual({ value: 2 });
    expect(m['fake_trend.p95']).toEqual({ value: 948.0369835185951 });
    expect(m['grpc_req_duration.med']).toEqual({ value: 0.758751, unit: 'ms' });
    // summaryTrendStats had no p(99)
    expect(m['grpc_req_duration.p99']).toBeUndefined();
  });
});

describe('k6: the three summary shapes', () => {
  it.each(['summary-export-legacy', 'handle-summary', 'machine-readable', 'machine-readable-schema'])('%s.json', async (name) => {
    const model = await read(path.join(FIXTURES, `k6/${name}.json`));
    expect(k6.metrics(model)).toEqual(expected(name));
  });

  it('legacy --summary-export: true thresholds are failures, rate "value" is the rate', async () => {
    const m = k6.metrics(await read(path.join(FIXTURES, 'k6/summary-export-legacy.json')));
    // "p(99)<800": true failed; "p(95)<500", "rate<0.01", "avg<200": false passed
    expect(m['thresholds.failed']).toEqual({ value: 1 });
    expect(m['thresholds.total']).toEqual({ value: 4 });
    expect(m['http_req_failed.rate']).toEqual({ value: 0.006666666666666667, unit: 'ratio' });
    expect(m['http_req_failed.value']).toEqual({ value: 0.006666666666666667, unit: 'ratio' });
    expect(m['checks.passes']).toEqual({ value: 894 });
    expect(m['checks.fails']).toEqual({ value: 6 });
    expect(m['http_req_duration.p95']).toEqual({ value: 377.73007415, unit: 'ms' });
    // a custom trend: the legacy export does not say whether it holds times
    expect(m['order_latency.p95']).toEqual({ value: 288.25 });
    expect(m['data_sent.count']).toEqual({ value: 96000, unit: 'B' });
    expect(m['orders_placed.count']).toEqual({ value: 300 });
  });

  it('handleSummary: custom percentiles, sample counts, time and data units', async () => {
    const m = k6.metrics(await read(path.join(FIXTURES, 'k6/handle-summary.json')));
    expect(m['http_req_duration.p99.9']).toEqual({ value: 1990.4410011399957, unit: 'ms' });
    expect(m['http_req_duration.count']).toEqual({ value: 2400 });
    expect(m['http_req_duration{group:::browse}.p95']).toEqual({ value: 290.09111625, unit: 'ms' });
    expect(m['cart_size.p95']).toEqual({ value: 7 });
    expect(m['payment_wait.count']).toEqual({ value: 45250.5, unit: 'ms' });
    expect(m['cache_bytes.max']).toEqual({ value: 4194304, unit: 'B' });
    // "p(95)<300" on http_req_duration failed; three others passed
    expect(m['thresholds.failed']).toEqual({ value: 1 });
    expect(m['thresholds.total']).toEqual({ value: 4 });
  });

  it('machine-readable (k6 source): matches/total become passes/fails, checks come from checks_succeeded', async () => {
    const m = k6.metrics(await read(path.join(FIXTURES, 'k6/machine-readable.json')));
    expect(m['http_req_failed.passes']).toEqual({ value: 9 });
    expect(m['http_req_failed.fails']).toEqual({ value: 291 });
    expect(m['http_req_failed.rate']).toEqual({ value: 0.03, unit: 'ratio' });
    expect(m['checks.passes']).toEqual({ value: 591 });
    expect(m['checks.fails']).toEqual({ value: 9 });
    expect(m['checks.rate']).toEqual({ value: 0.985, unit: 'ratio' });
    expect(m['http_req_duration.p95']).toEqual({ value: 201.62305245, unit: 'ms' });
    expect(m['data_received.count']).toEqual({ value: 1843200, unit: 'B' });
    // this shape carries no thresholds: absent, never 0 failed
    expect(m['thresholds.failed']).toBeUndefined();
  });

  it('machine-readable (k6-summary schema): passes/fails rates, categories ignored', async () => {
    const m = k6.metrics(await read(path.join(FIXTURES, 'k6/machine-readable-schema.json')));
    expect(m['checks.passes']).toEqual({ value: 2370 });
    expect(m['checks.fails']).toEqual({ value: 30 });
    expect(m['http_req_duration.p99']).toEqual({ value: 845.12, unit: 'ms' });
    expect(m['basket_total.p90']).toEqual({ value: 129.99 });
    expect(m['thresholds.failed']).toBeUndefined();
  });

  it('reads the same in one-byte chunks', async () => {
    const file = path.join(FIXTURES, 'k6/handle-summary.json');
    expect(k6.metrics(await read(file, 1))).toEqual(expected('handle-summary'));
  });
});

describe('k6: merge', () => {
  it('keeps a single summary', async () => {
    const model = await read(path.join(CONFORMANCE, 'k6/k6-reporter/grpc.json'));
    expect(k6.merge([model])).toBe(model);
  });

  it('refuses to combine several summaries', async () => {
    const a = await read(path.join(CONFORMANCE, 'k6/k6-reporter/grpc.json'));
    const b = await read(path.join(CONFORMANCE, 'k6/k6-reporter/simple.json'));
    expect(() => k6.merge([a, b])).toThrow(new EvidenceError('2 k6 summaries matched; metrics cannot be combined — narrow the evidence path'));
    expect(() => k6.merge([])).toThrow(EvidenceError);
  });
});

describe('k6: what is not evidence', () => {
  const metric = (values: object, extra: object = {}): string =>
    JSON.stringify({ metrics: { http_req_duration: { type: 'trend', contains: 'time', values, ...extra } } });

  it.each([
    ['[]', /not a k6 summary: the document is not a JSON object/],
    ['{"root_group": {}}', /no "metrics" object/],
    ['{"metrics": {}}', /k6 summary has no metrics/],
    ['{"metrics": {"a": {"type": "trend", "contains": "time", "values": {"avg": 1}}, "b": {"avg": 1}}}', /some metrics have "type"\/"values" and some do not/],
    [metric({ avg: '12' }), /statistic "avg" is "12", not a number/],
    [metric({ mean: 12 }), /unknown statistic "mean"/],
    [metric({ 'p(95)': 1, p95: 1 }), /http_req_duration\.p95 twice/],
    [metric({}), /k6 summary has no metrics/],
    [metric({ avg: null }), /k6 summary has no metrics/],
    [metric({ avg: 1 }, { type: 'histogram' }), /type "histogram"/],
    [metric({ avg: 1 }, { contains: 'bytes' }), /contains "bytes"/],
    [metric({ avg: 1 }, { thresholds: { 'p(95)<1': true } }), /threshold "p\(95\)<1" has no boolean "ok"/],
    ['{"metrics": {"http_reqs": {"count": 1, "rate": 1, "thresholds": {"count>0": "yes"}}}}', /threshold "count>0" is not a boolean/],
    ['{"metrics": {"weird": {"thresholds": {}}}}', /is not a k6 summary metric/],
    ['{"version": "2.0.0", "metadata": {}, "config": {}, "results": {"metrics": []}}', /version "2\.0\.0" is not supported/],
    ['{"version": "1.0.0", "results": {"metrics": [{"name": "x", "type": "rate", "contains": "default", "values": {"matches": 3, "total": 2, "rate": 1}}]}}', /matches 3 of total 2/],
    ['{"version": "1.0.0", "results": {"metrics": [{"type": "counter"}]}}', /results\.metrics\[0\] is not a named metric/],
    ['{"version": "1.0.0", "results": {"metrics": []}}', /k6 summary has no metrics/],
  ])('%s', async (text, message) => {
    expect((await rejection(readText(text))).message).toMatch(message);
  });

  it('skips statistics k6 wrote as null (NaN), never reading them as 0', async () => {
    const m = k6.metrics(await readText(metric({ avg: null, max: 3 })));
    expect(m).toEqual({ 'http_req_duration.max': { value: 3, unit: 'ms' } });
  });

  it('says so when given the --out json sample stream', async () => {
    const stream =
      '{"type":"Metric","data":{"type":"gauge","contains":"default","thresholds":[],"submetrics":null},"metric":"vus"}\n' +
      '{"type":"Point","data":{"time":"2017-05-09T14:34:45.625742514+02:00","value":5,"tags":null},"metric":"vus"}\n';
    const err = await rejection(readText(stream));
    expect(err.message).toMatch(/--out json sample stream/);
    expect(err.position).toEqual({ line: 2, column: 1 });
  });

  it('gives the position of broken JSON', async () => {
    const err = await rejection(readText('{\n  "metrics": {\n    "vus": {"value": 1,}\n  }\n}'));
    expect(err.message).toMatch(/not valid JSON: expected a double-quoted key, found "}"/);
    expect(err.position).toEqual({ line: 3, column: 24 });
  });
});

describe('k6: a metric listed twice is refused, never resolved to one of its values', () => {
  const machine = (metrics: unknown, checks?: unknown): string =>
    JSON.stringify({ version: '1.0.0', metadata: {}, config: {}, results: { metrics, ...(checks === undefined ? {} : { checks: { metrics: checks } }) } });
  const duration = (p95: number): object => ({ name: 'http_req_duration', type: 'trend', contains: 'time', values: { avg: 10, 'p(95)': p95 } });
  const reqs = { name: 'http_reqs', type: 'counter', contains: 'default', values: { count: 10, rate: 1 } };

  it('twice in results.metrics (machine-readable, as k6 writes it: an array)', async () => {
    // the passing value first: the old reader kept it and passed p95 <= 300ms on a 900 ms run
    const err = await rejection(readText(machine([duration(120), reqs, duration(900)])));
    expect(err.message).toBe(
      'k6 machine-readable summary: metric "http_req_duration" is listed twice (results.metrics[0] and [2]): which values count would be a guess',
    );
  });

  it('twice under two keys of an object of metrics (a schema draft writes results.metrics as an object)', async () => {
    const err = await rejection(readText(machine({ a: duration(120), b: duration(900) })));
    expect(err.message).toMatch(/metric "http_req_duration" is listed twice \(results\.metrics\[0\] and \[1\]\)/);
  });

  it('in results.metrics and results.checks.metrics: the same metric is one metric, different values are refused', async () => {
    const checks = { name: 'checks_succeeded', type: 'rate', contains: 'default', values: { rate: 0.5, passes: 1, fails: 1 } };
    const same = k6.metrics(await readText(machine([reqs, checks], [{ ...checks }])));
    expect(same['checks.fails']).toEqual({ value: 1 });
    const other = { ...checks, values: { rate: 1, passes: 2, fails: 0 } };
    const err = await rejection(readText(machine([reqs, checks], [other])));
    expect(err.message).toMatch(/metric "checks_succeeded" is listed twice \(results\.metrics\[1\] and results\.checks\.metrics\[0\]\) with different values/);
    expect((await rejection(readText(machine([reqs], [checks, checks])))).message).toMatch(/listed twice \(results\.checks\.metrics\[0\] and \[1\]\)/);
  });

  it('legacy export and handleSummary: a metric key or a statistic twice', async () => {
    const legacy = '{"metrics": {"http_req_duration": {"avg": 1, "p(95)": 120}, "http_req_duration": {"avg": 1, "p(95)": 900}}}';
    expect((await rejection(readText(legacy))).message).toMatch(/duplicate key "http_req_duration" in one object/);
    const handle = '{"metrics": {"http_req_duration": {"type": "trend", "contains": "time", "values": {"p(95)": 120, "p(95)": 900}}}}';
    expect((await rejection(readText(handle))).message).toMatch(/duplicate key "p\(95\)" in one object/);
    const alias = '{"metrics": {"http_req_duration": {"type": "trend", "contains": "time", "values": {"p(95)": 120, "p95": 900}}}}';
    expect((await rejection(readText(alias))).message).toBe('k6 summary has http_req_duration.p95 twice');
  });

  it('property: a machine-readable summary is read iff no name repeats; then every metric is read', async () => {
    const names = fc.constantFrom('a', 'b', 'c', 'd');
    const item = fc.record({ name: names, count: fc.nat(5) });
    await fc.assert(
      fc.asyncProperty(fc.array(item, { minLength: 1, maxLength: 6 }), async (items) => {
        const metrics = items.map((m) => ({ name: m.name, type: 'counter', contains: 'default', values: { count: m.count } }));
        const outcome = readText(machine(metrics));
        const repeated = new Set(items.map((m) => m.name)).size < items.length;
        if (repeated) {
          expect((await rejection(outcome)).message).toMatch(/is listed twice/);
        } else {
          const read = k6.metrics(await outcome);
          for (const m of items) expect(read[`${m.name}.count`]).toEqual({ value: m.count });
        }
      }),
      { numRuns: 200 },
    );
  });
});
