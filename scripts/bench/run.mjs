/* global process */
// One measurement in its own process (so that its peak RSS is its own):
//   node run.mjs <bundle.mjs> <reader> <format> <file>
// prints {"seconds", "rssMB", "counts"} as JSON. Readers: "ours" (release-gate's FORMATS[format]
// through its public API on a file stream), "xml2js", "fast-xml-parser", "lcov-parse", "JSON.parse".
import { createReadStream, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const [bundle, reader, format, file] = process.argv.slice(2);
const require = createRequire(import.meta.url);

function junitCounts(root, arrayOf) {
  const c = { tests: 0, failures: 0, errors: 0, skipped: 0 };
  const walk = (suite) => {
    for (const tc of arrayOf(suite.testcase)) {
      c.tests++;
      if (tc.error !== undefined) c.errors++;
      else if (tc.failure !== undefined) c.failures++;
      else if (tc.skipped !== undefined) c.skipped++;
    }
    for (const s of arrayOf(suite.testsuite)) walk(s);
  };
  walk(root);
  return c;
}

function coberturaCounts(coverage, arrayOf, attr) {
  const c = { 'lines.covered': 0, 'lines.total': 0, 'branches.covered': 0, 'branches.total': 0 };
  for (const pkgs of arrayOf(coverage.packages)) {
    for (const pkg of arrayOf(pkgs.package)) {
      for (const classes of arrayOf(pkg.classes)) {
        for (const cls of arrayOf(classes.class)) {
          const seen = new Map();
          const add = (lines) => {
            for (const l of arrayOf(lines)) {
              for (const line of arrayOf(l.line)) {
                const n = attr(line, 'number');
                const cc = attr(line, 'condition-coverage');
                const m = cc === undefined ? null : /\((\d+)\/(\d+)\)/.exec(cc);
                const prev = seen.get(n);
                const hit = Number(attr(line, 'hits')) > 0;
                seen.set(n, { hit: hit || (prev?.hit ?? false), cov: m ? Number(m[1]) : 0, tot: m ? Number(m[2]) : 0 });
              }
            }
          };
          for (const methods of arrayOf(cls.methods)) for (const method of arrayOf(methods.method)) add(method.lines);
          add(cls.lines);
          for (const v of seen.values()) {
            c['lines.total']++;
            if (v.hit) c['lines.covered']++;
            c['branches.total'] += v.tot;
            c['branches.covered'] += v.cov;
          }
        }
      }
    }
  }
  return c;
}

function jacocoCounts(report, arrayOf, attr) {
  const c = { 'lines.covered': 0, 'lines.total': 0, 'branches.covered': 0, 'branches.total': 0 };
  for (const pkg of arrayOf(report.package)) {
    for (const sf of arrayOf(pkg.sourcefile)) {
      for (const line of arrayOf(sf.line)) {
        const mi = Number(attr(line, 'mi'));
        const ci = Number(attr(line, 'ci'));
        const mb = Number(attr(line, 'mb'));
        const cb = Number(attr(line, 'cb'));
        if (mi + ci > 0) {
          c['lines.total']++;
          if (ci > 0) c['lines.covered']++;
        }
        c['branches.total'] += mb + cb;
        c['branches.covered'] += cb;
      }
    }
  }
  return c;
}

const xml2jsArray = (v) => (v === undefined ? [] : v);
const xml2jsAttr = (node, name) => node.$?.[name];
const fxpArray = (v) => (v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v]);
const fxpAttr = (node, name) => node[`@_${name}`];

const XML_COUNTERS = {
  junit: (doc, arrayOf) => junitCounts(doc.testsuites, arrayOf),
  cobertura: (doc, arrayOf, attr) => coberturaCounts(doc.coverage, arrayOf, attr),
  jacoco: (doc, arrayOf, attr) => jacocoCounts(doc.report, arrayOf, attr),
};

// load every module before the clock starts
const ours = reader === 'ours' ? await import(bundle) : undefined;
const peer = { xml2js: 'xml2js', 'fast-xml-parser': 'fast-xml-parser', 'lcov-parse': 'lcov-parse' }[reader];
const peerModule = peer === undefined ? undefined : require(peer);

async function measure() {
  if (reader === 'ours') {
    const { FORMATS, LIMITS } = ours;
    const f = FORMATS[format];
    const model = await f.read(createReadStream(file, { highWaterMark: 256 * 1024 }) /* as src/evidence/directory.ts */, { name: file, metrics: {}, limits: LIMITS });
    const metrics = f.metrics(model);
    const keys = {
      junit: ['tests', 'failures', 'errors', 'skipped'],
      cobertura: ['lines.covered', 'lines.total', 'branches.covered', 'branches.total'],
      jacoco: ['lines.covered', 'lines.total', 'branches.covered', 'branches.total'],
      lcov: ['lines.covered', 'lines.total', 'branches.covered', 'branches.total', 'functions.covered', 'functions.total'],
      sarif: ['results', 'error', 'warning', 'note'],
    }[format];
    return Object.fromEntries(keys.map((k) => [k, metrics[k]?.value]));
  }
  if (reader === 'xml2js') {
    const xml2js = peerModule;
    const doc = await new xml2js.Parser().parseStringPromise(readFileSync(file, 'utf8'));
    return XML_COUNTERS[format](doc, xml2jsArray, xml2jsAttr);
  }
  if (reader === 'fast-xml-parser') {
    const { XMLParser } = peerModule;
    const doc = new XMLParser({ ignoreAttributes: false, processEntities: false, attributeNamePrefix: '@_' }).parse(readFileSync(file, 'utf8'));
    return XML_COUNTERS[format](doc, fxpArray, fxpAttr);
  }
  if (reader === 'lcov-parse') {
    const parse = peerModule;
    const data = await new Promise((resolve, reject) => parse(file, (err, out) => (err ? reject(new Error(String(err))) : resolve(out))));
    const c = { 'lines.covered': 0, 'lines.total': 0, 'branches.covered': 0, 'branches.total': 0, 'functions.covered': 0, 'functions.total': 0 };
    for (const item of data) {
      c['lines.total'] += item.lines.details.length;
      c['lines.covered'] += item.lines.details.filter((d) => d.hit > 0).length;
      c['branches.total'] += item.branches.details.length;
      c['branches.covered'] += item.branches.details.filter((d) => d.taken > 0).length;
      c['functions.total'] += item.functions.details.length;
      c['functions.covered'] += item.functions.details.filter((d) => d.hit > 0).length;
    }
    return c;
  }
  if (reader === 'JSON.parse') {
    const log = JSON.parse(readFileSync(file, 'utf8'));
    const c = { results: 0, error: 0, warning: 0, note: 0 };
    for (const run of log.runs) {
      for (const result of run.results) {
        c.results++;
        c[result.level]++;
      }
    }
    return c;
  }
  throw new Error(`unknown reader ${reader}`);
}

const started = process.hrtime.bigint();
const counts = await measure();
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
process.stdout.write(JSON.stringify({ seconds, rssMB: process.resourceUsage().maxRSS / 1024, counts }));
