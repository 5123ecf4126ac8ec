/* global process */
// One measurement in its own process (so that its peak RSS is its own):
//   node run.mjs <bundle.mjs> <reader> <format> <file>
// prints {"seconds", "rssMB", "counts"} as JSON. Readers: "ours" (release-gate's FORMATS[format]
// through its public API on a file stream), "xml2js", "fast-xml-parser", "lcov-parse", "JSON.parse"
// (the whole file, then counting), "JSON.parse per line" (go test -json), "tap-parser", "split lines"
// (go coverprofile) and "dorny-approach" (JUnit; see dornyApproach below: a reimplementation of
// dorny/test-reporter's approach, not its code).
import { createReadStream, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const [bundle, reader, format, file] = process.argv.slice(2);
const require = createRequire(import.meta.url);

function junitCounts(root, arrayOf) {
  const c = { tests: 0, failures: 0, errors: 0, skipped: 0, failed: 0 };
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
  c.failed = c.failures + c.errors;
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

/** Test outcomes counted from a peer's tree, as every test format's metrics define them. */
function tally() {
  const c = { tests: 0, failed: 0, skipped: 0 };
  return {
    c,
    add(outcome) {
      c.tests++;
      if (outcome === 'failed') c.failed++;
      else if (outcome === 'skipped') c.skipped++;
    },
  };
}

// NUnit 3: every <test-case> under the nested <test-suite>s; result Passed / Failed / Skipped
// (the generator writes no other result, no suite-level failure of its own, declared counts equal).
function nunitCounts(doc, arrayOf, attr) {
  const t = tally();
  const walk = (node) => {
    for (const tc of arrayOf(node['test-case'])) {
      const result = attr(tc, 'result');
      t.add(result === 'Passed' ? 'passed' : result === 'Skipped' ? 'skipped' : 'failed');
    }
    for (const suite of arrayOf(node['test-suite'])) walk(suite);
  };
  walk(doc['test-run']);
  return t.c;
}

// TRX: every <UnitTestResult> of <Results>; outcome Passed / NotExecuted (skipped) / anything else failed.
function trxCounts(doc, arrayOf, attr) {
  const t = tally();
  for (const results of arrayOf(doc.TestRun.Results)) {
    for (const r of arrayOf(results.UnitTestResult)) {
      const outcome = attr(r, 'outcome');
      t.add(outcome === 'Passed' ? 'passed' : outcome === 'NotExecuted' ? 'skipped' : 'failed');
    }
  }
  return t.c;
}

// xUnit.net v2: every <test> of every <collection> of every <assembly>; result Pass / Skip / else failed.
function xunitCounts(doc, arrayOf, attr) {
  const t = tally();
  for (const assembly of arrayOf(doc.assemblies.assembly)) {
    for (const collection of arrayOf(assembly.collection)) {
      for (const test of arrayOf(collection.test)) {
        const result = attr(test, 'result');
        t.add(result === 'Pass' ? 'passed' : result === 'Skip' ? 'skipped' : 'failed');
      }
    }
  }
  return t.c;
}

// Clover as Istanbul writes it (one <line> per line number of a file): lines covered when count > 0,
// a cond line's branches truecount covered of truecount + falsecount. Files directly under <project>
// or in a <package>.
function cloverCounts(doc, arrayOf, attr) {
  const c = { 'lines.covered': 0, 'lines.total': 0, 'branches.covered': 0, 'branches.total': 0 };
  for (const project of arrayOf(doc.coverage.project)) {
    const files = [...arrayOf(project.file), ...arrayOf(project.package).flatMap((p) => arrayOf(p.file))];
    for (const file of files) {
      const lines = new Map();
      for (const line of arrayOf(file.line)) {
        const num = attr(line, 'num');
        lines.set(num, (lines.get(num) ?? false) || Number(attr(line, 'count')) > 0);
        if (attr(line, 'type') === 'cond') {
          const covered = Number(attr(line, 'truecount'));
          c['branches.covered'] += covered;
          c['branches.total'] += covered + Number(attr(line, 'falsecount'));
        }
      }
      c['lines.total'] += lines.size;
      for (const hit of lines.values()) if (hit) c['lines.covered']++;
    }
  }
  return c;
}

// OpenCover: lines from sequence points (each of the generator's spans one line: sl), per file
// (fileid), covered when a point on it has vc > 0; branch points covered when vc > 0; methods with
// sequence points are functions, covered when a point or their MethodPoint was visited.
function opencoverCounts(doc, arrayOf, attr) {
  const c = { 'lines.covered': 0, 'lines.total': 0, 'branches.covered': 0, 'branches.total': 0, 'functions.covered': 0, 'functions.total': 0 };
  const lines = new Map();
  for (const modules of arrayOf(doc.CoverageSession.Modules)) {
    for (const module of arrayOf(modules.Module)) {
      for (const classes of arrayOf(module.Classes)) {
        for (const cls of arrayOf(classes.Class)) {
          for (const methods of arrayOf(cls.Methods)) {
            for (const method of arrayOf(methods.Method)) {
              let points = 0;
              let visited = false;
              for (const sps of arrayOf(method.SequencePoints)) {
                for (const sp of arrayOf(sps?.SequencePoint)) {
                  points++;
                  const hit = Number(attr(sp, 'vc')) > 0;
                  visited ||= hit;
                  const key = `${attr(sp, 'fileid')}:${attr(sp, 'sl')}`;
                  lines.set(key, (lines.get(key) ?? false) || hit);
                }
              }
              for (const bps of arrayOf(method.BranchPoints)) {
                for (const bp of arrayOf(bps?.BranchPoint)) {
                  c['branches.total']++;
                  if (Number(attr(bp, 'vc')) > 0) c['branches.covered']++;
                }
              }
              for (const mp of arrayOf(method.MethodPoint)) visited ||= Number(attr(mp, 'vc')) > 0;
              if (points > 0) {
                c['functions.total']++;
                if (visited) c['functions.covered']++;
              }
            }
          }
        }
      }
    }
  }
  c['lines.total'] = lines.size;
  for (const hit of lines.values()) if (hit) c['lines.covered']++;
  return c;
}

/**
 * The approach of dorny/test-reporter's JUnit parser, reimplemented here from a description of it
 * (this is not dorny's code, which is not published on npm): the whole file as a string,
 * `xml2js.parseStringPromise` with default options, then a walk of the tree into a result model:
 * per `<testsuite>`, testcases grouped by classname (the suite's own name → group ''), each group
 * found with a linear `Array.find` over the groups so far, one result object per testcase (name
 * trimmed, result, time in ms, error), and for a failing test the first failure/error element's
 * text and message with a search of the text's lines for the first `at X(File:Line)` frame in a
 * tracked repository file (none tracked here: a repository without matches, so every line is
 * searched). The counts are summed from the model.
 */
async function dornyApproach(xml2js, content, trackedFiles) {
  const junit = await xml2js.parseStringPromise(content);
  const suites = junit.testsuites !== undefined ? (typeof junit.testsuites === 'object' ? (junit.testsuites.testsuite ?? []) : []) : [junit.testsuite];
  const frame = /^\s*at (.*)\((.*):(\d+)(?::\d+)?\)\s*$/;
  const errorOf = (tc) => {
    const details = tc.failure ?? tc.error;
    if (details === undefined || details.length === 0) return undefined;
    const first = details[0];
    const text = typeof first === 'string' ? first : (first._ ?? '');
    const message = typeof first === 'object' ? first.$?.message : undefined;
    let place;
    for (const line of text.split(/\r?\n/)) {
      const m = frame.exec(line);
      if (m === null) continue;
      const path = m[2].replace(/\\/g, '/');
      if (trackedFiles.includes(path)) {
        place = { path, line: Number(m[3]) };
        break;
      }
    }
    return { path: place?.path, line: place?.line, message, details: text };
  };
  const model = suites.map((ts) => {
    const name = ts.$.name.trim();
    const groups = [];
    for (const tc of ts.testcase ?? []) {
      let key = tc.$.classname?.trim() ?? '';
      if (key === name) key = '';
      let group = groups.find((g) => g.name === key);
      if (group === undefined) {
        group = { name: key, tests: [] };
        groups.push(group);
      }
      const result = tc.failure || tc.error ? 'failed' : tc.skipped ? 'skipped' : 'success';
      group.tests.push({ name: tc.$.name.trim(), result, time: parseFloat(tc.$.time) * 1000, error: result === 'failed' ? errorOf(tc) : undefined });
    }
    return { name, groups, time: parseFloat(ts.$.time) * 1000 };
  });
  const c = { tests: 0, failed: 0, skipped: 0 };
  for (const suite of model) {
    for (const group of suite.groups) {
      for (const test of group.tests) {
        c.tests++;
        if (test.result === 'failed') c.failed++;
        else if (test.result === 'skipped') c.skipped++;
      }
    }
  }
  return c;
}

/** JSON test formats: the whole document parsed, then the outcomes counted as the readers define them. */
const JSON_COUNTERS = {
  sarif: (log) => {
    const c = { results: 0, error: 0, warning: 0, note: 0 };
    for (const run of log.runs) {
      for (const result of run.results) {
        c.results++;
        c[result.level]++;
      }
    }
    return c;
  },
  'jest-json': (doc) => {
    const t = tally();
    for (const file of doc.testResults) for (const a of file.assertionResults) t.add(a.status === 'passed' ? 'passed' : a.status === 'failed' ? 'failed' : 'skipped');
    return t.c;
  },
  // every failure is a test here (the generator writes no hook failure)
  'mocha-json': (doc) => ({ tests: doc.passes.length + doc.pending.length + doc.failures.length, failed: doc.failures.length, skipped: doc.pending.length }),
  'rspec-json': (doc) => {
    const t = tally();
    for (const e of doc.examples) t.add(e.status === 'passed' ? 'passed' : e.status === 'pending' ? 'skipped' : 'failed');
    return t.c;
  },
  ctrf: (doc) => {
    const t = tally();
    for (const test of doc.results.tests) t.add(test.status === 'passed' ? 'passed' : test.status === 'skipped' || test.status === 'pending' ? 'skipped' : 'failed');
    return t.c;
  },
  // coverage-final.json: statements (keys of s), lines (the lines statements start on, covered when
  // one of them ran), functions (keys of f), branches (every count of b)
  istanbul: (doc) => {
    const c = { 'lines.covered': 0, 'lines.total': 0, 'statements.covered': 0, 'statements.total': 0, 'functions.covered': 0, 'functions.total': 0, 'branches.covered': 0, 'branches.total': 0 };
    for (const entry of Object.values(doc)) {
      const lines = new Map();
      for (const [id, hits] of Object.entries(entry.s)) {
        c['statements.total']++;
        if (hits > 0) c['statements.covered']++;
        const line = entry.statementMap[id].start.line;
        lines.set(line, (lines.get(line) ?? false) || hits > 0);
      }
      c['lines.total'] += lines.size;
      for (const hit of lines.values()) if (hit) c['lines.covered']++;
      for (const hits of Object.values(entry.f)) {
        c['functions.total']++;
        if (hits > 0) c['functions.covered']++;
      }
      for (const counts of Object.values(entry.b)) {
        for (const hits of counts) {
          c['branches.total']++;
          if (hits > 0) c['branches.covered']++;
        }
      }
    }
    return c;
  },
};

const xml2jsArray = (v) => (v === undefined ? [] : v);
const xml2jsAttr = (node, name) => node.$?.[name];
const fxpArray = (v) => (v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v]);
const fxpAttr = (node, name) => node[`@_${name}`];

const XML_COUNTERS = {
  junit: (doc, arrayOf) => junitCounts(doc.testsuites, arrayOf),
  cobertura: (doc, arrayOf, attr) => coberturaCounts(doc.coverage, arrayOf, attr),
  jacoco: (doc, arrayOf, attr) => jacocoCounts(doc.report, arrayOf, attr),
  nunit: nunitCounts,
  trx: trxCounts,
  xunit: xunitCounts,
  clover: cloverCounts,
  opencover: opencoverCounts,
};

const TEST_KEYS = ['tests', 'failed', 'skipped'];
const COVERAGE_KEYS = ['lines.covered', 'lines.total', 'branches.covered', 'branches.total'];
/** The metrics of ours each format's peers count too (see the counters above for what they count). */
const KEYS = {
  junit: ['tests', 'failures', 'errors', 'skipped', 'failed'],
  cobertura: COVERAGE_KEYS,
  jacoco: COVERAGE_KEYS,
  lcov: [...COVERAGE_KEYS, 'functions.covered', 'functions.total'],
  sarif: ['results', 'error', 'warning', 'note'],
  nunit: TEST_KEYS,
  trx: TEST_KEYS,
  xunit: TEST_KEYS,
  tap: TEST_KEYS,
  'go-test-json': TEST_KEYS,
  'jest-json': TEST_KEYS,
  'mocha-json': TEST_KEYS,
  'rspec-json': TEST_KEYS,
  ctrf: TEST_KEYS,
  clover: COVERAGE_KEYS,
  opencover: [...COVERAGE_KEYS, 'functions.covered', 'functions.total'],
  istanbul: [...COVERAGE_KEYS, 'statements.covered', 'statements.total', 'functions.covered', 'functions.total'],
  // lines of a profile are spans of blocks, which a split-lines count does not rebuild: statements only
  'go-coverprofile': ['statements.covered', 'statements.total'],
};

// load every module before the clock starts
const ours = reader === 'ours' ? await import(bundle) : undefined;
const peer = { xml2js: 'xml2js', 'dorny-approach': 'xml2js', 'fast-xml-parser': 'fast-xml-parser', 'lcov-parse': 'lcov-parse', 'tap-parser': 'tap-parser' }[reader];
const peerModule = peer === undefined ? undefined : require(peer);

async function measure() {
  if (reader === 'ours') {
    const { FORMATS, LIMITS } = ours;
    const f = FORMATS[format];
    const model = await f.read(createReadStream(file, { highWaterMark: 256 * 1024 }) /* as src/evidence/directory.ts */, { name: file, metrics: {}, limits: LIMITS });
    const metrics = f.metrics(model);
    const keys = KEYS[format];
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
  if (reader === 'dorny-approach') return dornyApproach(peerModule, readFileSync(file, 'utf8'), []);
  if (reader === 'JSON.parse') return JSON_COUNTERS[format](JSON.parse(readFileSync(file, 'utf8')));
  if (reader === 'JSON.parse per line') {
    // go test -json: one event a line; a test's (or subtest's) outcome is its pass/fail/skip event
    const t = tally();
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (line === '') continue;
      const event = JSON.parse(line);
      if (event.Test !== undefined && (event.Action === 'pass' || event.Action === 'fail' || event.Action === 'skip')) t.add(event.Action === 'pass' ? 'passed' : event.Action === 'fail' ? 'failed' : 'skipped');
    }
    return t.c;
  }
  if (reader === 'tap-parser') {
    // the file streamed into tap-parser; its FinalResults count the top-level points (the generator
    // writes no nested subtests): count, fail, and skip (`ok … # SKIP`, which tap-parser also passes)
    const { Parser } = peerModule;
    const parser = new Parser();
    const done = new Promise((resolve) => parser.on('complete', resolve));
    createReadStream(file).pipe(parser);
    const results = await done;
    return { tests: results.count, failed: results.fail, skipped: results.skip };
  }
  if (reader === 'split lines') {
    // go coverprofile: `file:start,end numStmts count` a line (each block listed once here)
    const c = { 'statements.covered': 0, 'statements.total': 0 };
    const lines = readFileSync(file, 'utf8').split('\n');
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i];
      if (line === '') continue;
      const space = line.lastIndexOf(' ');
      const before = line.lastIndexOf(' ', space - 1);
      const statements = Number(line.slice(before + 1, space));
      c['statements.total'] += statements;
      if (Number(line.slice(space + 1)) > 0) c['statements.covered'] += statements;
    }
    return c;
  }
  throw new Error(`unknown reader ${reader}`);
}

const started = process.hrtime.bigint();
const counts = await measure();
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
process.stdout.write(JSON.stringify({ seconds, rssMB: process.resourceUsage().maxRSS / 1024, counts }));
