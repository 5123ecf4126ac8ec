/* global Buffer */
// Deterministic (seeded) generators of realistic evidence files for the benchmark.
import { createWriteStream } from 'node:fs';

/** mulberry32: a small seeded PRNG, so that every run writes the same bytes */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = ['parse', 'render', 'load', 'save', 'compute', 'validate', 'merge', 'split', 'retry', 'connect', 'close', 'encode', 'decode', 'sort', 'filter'];

/** Writes the parts `produce(emit)` emits, buffered, until `produce` returns; resolves with the size. */
async function writeFile(file, produce) {
  const out = createWriteStream(file);
  let buffered = [];
  let size = 0;
  let pending = 0;
  const flush = async () => {
    const text = buffered.join('');
    buffered = [];
    pending = 0;
    size += Buffer.byteLength(text);
    if (!out.write(text)) await new Promise((resolve) => out.once('drain', resolve));
  };
  const emit = async (text) => {
    buffered.push(text);
    pending += text.length;
    if (pending > 1 << 20) await flush();
  };
  await produce(emit, () => size + pending);
  await flush();
  await new Promise((resolve, reject) => out.end((err) => (err ? reject(err) : resolve())));
  return size;
}

function stackTrace(r, cls, lines) {
  const frames = [];
  for (let i = 0; i < lines; i++) {
    frames.push(`\tat ${cls}.${WORDS[Math.floor(r() * WORDS.length)]}${i}(${cls.split('.').pop()}.java:${1 + Math.floor(r() * 900)})`);
  }
  return frames.join('\n');
}

/** JUnit XML: nested suites, passing/failing/erroring/skipped testcases, long messages and traces. */
export function junit(file, targetBytes, seed = 1) {
  const r = rng(seed);
  return writeFile(file, async (emit, written) => {
    await emit('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="bench" time="1234.5">\n');
    for (let p = 0; written() < targetBytes; p++) {
      await emit(`  <testsuite name="com.example.module${p}" timestamp="2024-05-01T12:00:00" hostname="ci-runner-7">\n`);
      await emit(`    <properties><property name="java.version" value="21.0.2"/><property name="os.name" value="Linux &amp; friends"/></properties>\n`);
      const classes = 4 + Math.floor(r() * 8);
      for (let c = 0; c < classes; c++) {
        const cls = `com.example.module${p}.Service${c}Test`;
        const cases = 10 + Math.floor(r() * 40);
        await emit(`    <testsuite name="${cls}" tests="${cases}" failures="0" errors="0" skipped="0" time="1.5">\n`);
        for (let t = 0; t < cases; t++) {
          const name = `test${WORDS[t % WORDS.length]}_${t}`;
          const head = `      <testcase classname="${cls}" name="${name}" time="${(r() * 2).toFixed(3)}"`;
          const x = r();
          if (x < 0.03) {
            const msg = `expected:&lt;${Math.floor(r() * 1000)}&gt; but was:&lt;${Math.floor(r() * 1000)}&gt; ${'while comparing the rendered payload '.repeat(1 + Math.floor(r() * 6))}`;
            await emit(`${head}>\n        <failure message="${msg}" type="org.opentest4j.AssertionFailedError">org.opentest4j.AssertionFailedError: ${msg}\n${stackTrace(r, cls, 15 + Math.floor(r() * 25))}\n</failure>\n      </testcase>\n`);
          } else if (x < 0.04) {
            await emit(`${head}>\n        <error message="Cannot invoke &quot;Object.toString()&quot; because value is null" type="java.lang.NullPointerException"><![CDATA[java.lang.NullPointerException: <null> & more\n${stackTrace(r, cls, 25)}\n]]></error>\n        <system-out><![CDATA[${'DEBUG connecting to db <localhost:5432> & retrying\n'.repeat(8)}]]></system-out>\n      </testcase>\n`);
          } else if (x < 0.06) {
            await emit(`${head}>\n        <skipped message="@Disabled: flaky on CI"/>\n      </testcase>\n`);
          } else if (x < 0.1) {
            await emit(`${head}>\n        <system-out>INFO started ${name} &#x2713; caf\u00e9 \u{1F600}\nINFO done</system-out>\n      </testcase>\n`);
          } else {
            await emit(`${head}/>\n`);
          }
        }
        await emit('    </testsuite>\n');
      }
      await emit(`    <system-err><![CDATA[WARN deprecated API used in module${p}]]></system-err>\n  </testsuite>\n`);
    }
    await emit('</testsuites>\n');
  });
}

/** Cobertura XML (Java style): classes with method line listings repeated in the class lines. */
export function cobertura(file, targetBytes, seed = 2) {
  const r = rng(seed);
  return writeFile(file, async (emit, written) => {
    await emit('<?xml version="1.0"?>\n<!DOCTYPE coverage SYSTEM "http://cobertura.sourceforge.net/xml/coverage-04.dtd">\n');
    await emit('<coverage line-rate="0.8" branch-rate="0.6" lines-covered="1" lines-valid="1" branches-covered="1" branches-valid="1" complexity="0" version="2.1.1" timestamp="1714567890">\n<sources><source>/home/runner/work/app/src/main/java</source></sources>\n<packages>\n');
    for (let p = 0; written() < targetBytes; p++) {
      await emit(`<package name="com.example.pkg${p}" line-rate="0.8" branch-rate="0.6" complexity="0">\n<classes>\n`);
      const classes = 3 + Math.floor(r() * 6);
      for (let c = 0; c < classes; c++) {
        const lines = [];
        let n = 1;
        const count = 20 + Math.floor(r() * 200);
        for (let i = 0; i < count; i++) {
          n += 1 + Math.floor(r() * 3);
          const hits = r() < 0.75 ? Math.floor(r() * 50) + 1 : 0;
          if (r() < 0.15) {
            const total = 2 * (1 + Math.floor(r() * 2));
            const covered = hits > 0 ? Math.floor(r() * (total + 1)) : 0;
            lines.push(`<line number="${n}" hits="${hits}" branch="true" condition-coverage="${Math.round((100 * covered) / total)}% (${covered}/${total})"><conditions><condition number="0" type="jump" coverage="${Math.round((100 * covered) / total)}%"/></conditions></line>`);
          } else {
            lines.push(`<line number="${n}" hits="${hits}" branch="false"/>`);
          }
        }
        const methods = [];
        for (let m = 0; m * 10 < lines.length; m++) {
          methods.push(`<method name="${WORDS[m % WORDS.length]}${m}" signature="(Ljava/lang/String;I)V" line-rate="0.8" branch-rate="0.5" complexity="2">\n<lines>\n${lines.slice(m * 10, m * 10 + 10).join('\n')}\n</lines>\n</method>`);
        }
        await emit(`<class name="com.example.pkg${p}.Class${c}" filename="com/example/pkg${p}/Class${c}.java" line-rate="0.8" branch-rate="0.5" complexity="3">\n<methods>\n${methods.join('\n')}\n</methods>\n<lines>\n${lines.join('\n')}\n</lines>\n</class>\n`);
      }
      await emit('</classes>\n</package>\n');
    }
    await emit('</packages>\n</coverage>\n');
  });
}

/** JaCoCo XML: packages, classes with method counters, source files with line detail, counters. */
export function jacoco(file, targetBytes, seed = 3) {
  const r = rng(seed);
  const totals = { LINE: [0, 0], BRANCH: [0, 0], INSTRUCTION: [0, 0], METHOD: [0, 0] };
  const counters = (t) => Object.entries(t).map(([type, [missed, covered]]) => `<counter type="${type}" missed="${missed}" covered="${covered}"/>`).join('');
  return writeFile(file, async (emit, written) => {
    await emit('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><!DOCTYPE report PUBLIC "-//JACOCO//DTD Report 1.1//EN" "report.dtd"><report name="bench"><sessioninfo id="ci-1" start="1714567890000" dump="1714567899000"/>\n');
    for (let p = 0; written() < targetBytes; p++) {
      await emit(`<package name="com/example/pkg${p}">`);
      const files = 3 + Math.floor(r() * 6);
      const sources = [];
      for (let f = 0; f < files; f++) {
        const t = { LINE: [0, 0], BRANCH: [0, 0], INSTRUCTION: [0, 0], METHOD: [0, 0] };
        const lines = [];
        let nr = 1;
        const count = 20 + Math.floor(r() * 200);
        for (let i = 0; i < count; i++) {
          nr += 1 + Math.floor(r() * 3);
          const covered = r() < 0.75;
          const mi = covered ? Math.floor(r() * 2) : 1 + Math.floor(r() * 5);
          const ci = covered ? 1 + Math.floor(r() * 8) : 0;
          const branches = r() < 0.15 ? 2 : 0;
          const cb = covered ? Math.floor(r() * (branches + 1)) : 0;
          const mb = branches - cb;
          lines.push(`<line nr="${nr}" mi="${mi}" ci="${ci}" mb="${mb}" cb="${cb}"/>`);
          t.LINE[ci > 0 ? 1 : 0]++;
          t.BRANCH[0] += mb;
          t.BRANCH[1] += cb;
          t.INSTRUCTION[0] += mi;
          t.INSTRUCTION[1] += ci;
        }
        const methods = [];
        for (let m = 0; m * 10 < lines.length; m++) {
          const hit = r() < 0.8 ? 1 : 0;
          t.METHOD[hit]++;
          methods.push(`<method name="${WORDS[m % WORDS.length]}${m}" desc="(Ljava/lang/String;)V" line="${m * 10 + 3}"><counter type="INSTRUCTION" missed="3" covered="7"/><counter type="LINE" missed="1" covered="3"/><counter type="METHOD" missed="${1 - hit}" covered="${hit}"/></method>`);
        }
        for (const k of Object.keys(totals)) {
          totals[k][0] += t[k][0];
          totals[k][1] += t[k][1];
        }
        await emit(`<class name="com/example/pkg${p}/Class${f}" sourcefilename="Class${f}.java">${methods.join('')}${counters(t)}</class>`);
        sources.push(`<sourcefile name="Class${f}.java">${lines.join('')}${counters(t)}</sourcefile>`);
      }
      await emit(`${sources.join('')}</package>\n`);
    }
    await emit(`${counters(totals)}</report>\n`);
  });
}

/** lcov tracefile: many source files with functions, lines and branches. */
export function lcov(file, targetBytes, seed = 4) {
  const r = rng(seed);
  return writeFile(file, async (emit, written) => {
    for (let f = 0; written() < targetBytes; f++) {
      const parts = [`TN:\nSF:/home/runner/work/app/app/src/module${f >> 6}/file${f}.ts\n`];
      const count = 50 + Math.floor(r() * 400);
      const fns = 2 + Math.floor(r() * 10);
      let fnh = 0;
      for (let i = 0; i < fns; i++) parts.push(`FN:${i * 10 + 1},${WORDS[i % WORDS.length]}Handler${i}\n`);
      for (let i = 0; i < fns; i++) {
        const calls = r() < 0.8 ? 1 + Math.floor(r() * 100) : 0;
        if (calls > 0) fnh++;
        parts.push(`FNDA:${calls},${WORDS[i % WORDS.length]}Handler${i}\n`);
      }
      parts.push(`FNF:${fns}\nFNH:${fnh}\n`);
      let lh = 0;
      let brf = 0;
      let brh = 0;
      const brda = [];
      for (let line = 1; line <= count; line++) {
        const hits = r() < 0.8 ? Math.floor(r() * 200) + 1 : 0;
        if (hits > 0) lh++;
        parts.push(`DA:${line},${hits}\n`);
        if (r() < 0.1) {
          for (let b = 0; b < 2; b++) {
            const taken = hits === 0 ? '-' : String(Math.floor(r() * 3));
            brf++;
            if (taken !== '-' && taken !== '0') brh++;
            brda.push(`BRDA:${line},0,${b},${taken}\n`);
          }
        }
      }
      parts.push(...brda, `BRF:${brf}\nBRH:${brh}\nLF:${count}\nLH:${lh}\nend_of_record\n`);
      await emit(parts.join(''));
    }
  });
}

/** SARIF 2.1.0: one run with rules and many results of all levels. */
export function sarif(file, targetBytes, seed = 5) {
  const r = rng(seed);
  const levels = ['error', 'warning', 'note'];
  return writeFile(file, async (emit, written) => {
    const rules = [];
    for (let i = 0; i < 50; i++) {
      rules.push(JSON.stringify({ id: `js/rule-${i}`, name: `Rule${i}`, shortDescription: { text: `Rule ${i}` }, defaultConfiguration: { level: levels[i % 3] }, properties: { 'security-severity': String((i % 10) + 0.5), tags: ['security', `external/cwe/cwe-${i}`] } }));
    }
    await emit(`{"version":"2.1.0","$schema":"https://json.schemastore.org/sarif-2.1.0.json","runs":[{"tool":{"driver":{"name":"CodeQL","semanticVersion":"2.17.0","rules":[${rules.join(',')}]}},"invocations":[{"executionSuccessful":true}],"results":[\n`);
    for (let i = 0; written() < targetBytes; i++) {
      const rule = Math.floor(r() * 50);
      const result = {
        ruleId: `js/rule-${rule}`,
        ruleIndex: rule,
        level: levels[Math.floor(r() * 3)],
        message: { text: `Potential problem number ${i}: user-controlled value flows to a sensitive sink "${WORDS[i % WORDS.length]}" \u2014 see docs.` },
        locations: [{ physicalLocation: { artifactLocation: { uri: `src/module${i % 97}/file${i % 1013}.js`, uriBaseId: '%SRCROOT%' }, region: { startLine: 1 + (i % 500), startColumn: 5, endColumn: 42 } } }],
        partialFingerprints: { primaryLocationLineHash: `${(i * 2654435761) >>> 0}:1` },
      };
      await emit(`${i === 0 ? '' : ',\n'}${JSON.stringify(result)}`);
    }
    await emit('\n]}]}\n');
  });
}

// ---------------------------------------------------------------------------------------------
// Testcase-dense and new-format inputs. Outcomes are chosen by index (so declared totals are known
// before the body is written, as the producers write them) and names, times and texts by the PRNG.

/** Writes `parts` (an array of strings built in memory: producers whose header declares totals). */
function writeParts(file, parts) {
  return writeFile(file, async (emit) => {
    for (const part of parts) await emit(part);
  });
}

const xmlEscape = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A seeded GUID (TRX ids). */
function guid(r) {
  const hex = (n) => Array.from({ length: n }, () => Math.floor(r() * 16).toString(16)).join('');
  return `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`;
}

const PARAMS = ['utf8', 'latin1', 'empty', 'large', 'nested', 'unicode', 'none', 'zero', 'negative', 'max'];

/**
 * pytest's junit-xml (`pytest --junitxml=… -o junit_logging=all`): one `<testsuite name="pytest">`
 * holding every testcase, written on one line as pytest does; parametrised names (some with `<`/`>`
 * in the id), ~0.3% failures with pytest tracebacks, a few setup errors, ~0.5% skips with their
 * message, and captured output on some testcases.
 */
export function pytestJunit(file, cases, seed = 11) {
  const r = rng(seed);
  const outcome = (i) => (i % 333 === 17 ? 'failure' : i % 2003 === 5 ? 'error' : i % 200 === 3 ? 'skipped' : 'passed');
  const totals = { failure: 0, error: 0, skipped: 0, passed: 0 };
  for (let i = 0; i < cases; i++) totals[outcome(i)]++;
  const parts = [];
  let time = 0;
  const body = [];
  for (let i = 0; i < cases; i++) {
    const mod = Math.floor(i / 60);
    const fn = WORDS[Math.floor(i / 12) % WORDS.length];
    const param = i % 17 === 0 ? `a&lt;b-${i % 7}` : i % 23 === 0 ? `x&gt;=${i % 5}-${PARAMS[i % 10]}` : `${PARAMS[Math.floor(r() * 10)]}-${i % 12}`;
    const t = r() < 0.95 ? r() * 0.01 : r() * 2;
    time += t;
    const head = `<testcase classname="tests.unit.test_mod_${mod}" name="test_${fn}[${param}]" time="${t.toFixed(3)}"`;
    const kind = outcome(i);
    const out = r() < 0.02 ? `<system-out>--------------------------------- Captured Log ---------------------------------\nINFO     app.${fn}:${fn}.py:${10 + (i % 90)} ${fn} started for id=${i}\nDEBUG    app.db:db.py:88 query took 0.${i % 10}ms\n\n--------------------------------- Captured Out ---------------------------------\nprocessing ${i} items &lt;ok&gt;\n</system-out>` : '';
    if (kind === 'failure') {
      const a = Math.floor(r() * 100);
      body.push(`${head}><failure message="AssertionError: assert ${a} == ${a + 1}&#10; +  where ${a} = ${fn}(${i})">def test_${fn}(value):\n        result = ${fn}(value)\n&gt;       assert result == ${a + 1}\nE       AssertionError: assert ${a} == ${a + 1}\nE        +  where ${a} = ${fn}(${i})\n\ntests/unit/test_mod_${mod}.py:${20 + (i % 200)}: AssertionError</failure>${out}<system-err>--------------------------------- Captured Err ---------------------------------\nwarning: retrying ${fn}\n</system-err></testcase>`);
    } else if (kind === 'error') {
      body.push(`${head}><error message="failed on setup with &quot;ConnectionRefusedError: [Errno 111] Connection refused&quot;">@pytest.fixture\n    def db():\n&gt;       return connect("localhost:5432")\nE       ConnectionRefusedError: [Errno 111] Connection refused\n\ntests/conftest.py:${12 + (i % 9)}: ConnectionRefusedError</error></testcase>`);
    } else if (kind === 'skipped') {
      body.push(`${head}><skipped type="pytest.skip" message="requires postgres &gt;= 15">/home/runner/work/app/app/tests/unit/test_mod_${mod}.py:${30 + (i % 100)}: requires postgres &gt;= 15</skipped></testcase>`);
    } else if (out !== '') {
      body.push(`${head}>${out}</testcase>`);
    } else {
      body.push(`${head} />`);
    }
  }
  parts.push(`<?xml version="1.0" encoding="utf-8"?><testsuites name="pytest tests"><testsuite name="pytest" errors="${totals.error}" failures="${totals.failure}" skipped="${totals.skipped}" tests="${cases}" time="${time.toFixed(3)}" timestamp="2024-05-01T12:00:00.123456+00:00" hostname="fv-az1234-567">`);
  for (let i = 0; i < body.length; i += 1000) parts.push(body.slice(i, i + 1000).join(''));
  parts.push('</testsuite></testsuites>');
  return writeParts(file, parts);
}

const DESCRIBES = ['UserService', 'parseConfig', 'the router', 'Cart totals', 'date helpers', 'auth middleware', 'the cache', 'Button'];

function nodeStack(r, testFile, depth) {
  const frames = [`    at Object.&lt;anonymous&gt; (/home/runner/work/app/app/${testFile}:${1 + Math.floor(r() * 300)}:${1 + Math.floor(r() * 40)})`];
  const lib = ['Promise.then.completed (/home/runner/work/app/app/node_modules/jest-circus/build/utils.js:298:28)', 'new Promise (&lt;anonymous&gt;)', 'callAsyncCircusFn (/home/runner/work/app/app/node_modules/jest-circus/build/utils.js:231:10)', '_callCircusTest (/home/runner/work/app/app/node_modules/jest-circus/build/run.js:316:40)', 'processTicksAndRejections (node:internal/process/task_queues:95:5)', '_runTest (/home/runner/work/app/app/node_modules/jest-circus/build/run.js:252:3)'];
  for (let i = 0; i < depth; i++) frames.push(`    at ${lib[i % lib.length]}`);
  return frames.join('\n');
}

/**
 * jest-junit: one `<testsuite>` per test file with its declared counts, tens of small testcases
 * (classname and name both "describe title test title", always with an end tag), ~1% failures
 * with Node stack traces, ~2% skipped.
 */
export function jestJunit(file, targetBytes, seed = 12) {
  const r = rng(seed);
  const suites = [];
  let size = 0;
  const totals = { tests: 0, failures: 0, skipped: 0, time: 0 };
  let i = 0;
  for (let f = 0; size < targetBytes; f++) {
    const testFile = `src/${WORDS[f % WORDS.length]}/module${f}.test.ts`;
    const cases = 10 + Math.floor(r() * 60);
    const lines = [];
    const counts = { failures: 0, skipped: 0, time: 0 };
    for (let t = 0; t < cases; t++, i++) {
      const title = xmlEscape(`${DESCRIBES[(f + Math.floor(t / 8)) % DESCRIBES.length]} ${WORDS[t % WORDS.length]}s ${t % 3 === 0 ? '"quoted" <input>' : 'the value'} #${t}`);
      const time = r() < 0.9 ? r() * 0.005 : r() * 0.5;
      counts.time += time;
      const head = `    <testcase classname="${title}" name="${title}" time="${time.toFixed(3)}">\n`;
      if (i % 97 === 13) {
        counts.failures++;
        lines.push(`${head}      <failure>Error: expect(received).toBe(expected) // Object.is equality\n\nExpected: ${Math.floor(r() * 100)}\nReceived: ${Math.floor(r() * 100)}\n${nodeStack(r, testFile, 4 + Math.floor(r() * 4))}</failure>\n    </testcase>\n`);
      } else if (i % 50 === 7) {
        counts.skipped++;
        lines.push(`${head}      <skipped/>\n    </testcase>\n`);
      } else {
        lines.push(`${head}    </testcase>\n`);
      }
    }
    const text = `  <testsuite name="${testFile}" errors="0" failures="${counts.failures}" skipped="${counts.skipped}" timestamp="2024-05-01T12:00:${String(f % 60).padStart(2, '0')}" time="${(counts.time + 0.3).toFixed(3)}" tests="${cases}">\n${lines.join('')}  </testsuite>\n`;
    suites.push(text);
    size += text.length;
    totals.tests += cases;
    totals.failures += counts.failures;
    totals.skipped += counts.skipped;
    totals.time += counts.time + 0.3;
  }
  return writeParts(file, [`<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="jest tests" tests="${totals.tests}" failures="${totals.failures}" errors="0" time="${totals.time.toFixed(3)}">\n`, ...suites, '</testsuites>\n']);
}

function dotnetStack(r, ns, cls, method) {
  return `   at ${ns}.${cls}.${method}() in /home/runner/work/app/app/tests/${ns}/${cls}.cs:line ${10 + Math.floor(r() * 300)}\n   at System.RuntimeMethodHandle.InvokeMethod(Object target, Void** arguments, Signature sig, Boolean isConstructor)\n   at System.Reflection.MethodBaseInvoker.InvokeWithNoArgs(Object obj, BindingFlags invokeAttr)`;
}

/** NUnit 3 `<test-run>`: namespaces, fixtures, parameterised cases, with declared counts at every level. */
export function nunit(file, targetBytes, seed = 13) {
  const r = rng(seed);
  const namespaces = [];
  const run = { total: 0, passed: 0, failed: 0, skipped: 0 };
  let size = 0;
  let id = 1000;
  let i = 0;
  const suiteAttrs = (c) => `total="${c.total}" passed="${c.passed}" failed="${c.failed}" warnings="0" inconclusive="0" skipped="${c.skipped}" asserts="${c.passed + c.failed}"`;
  const result = (c) => (c.failed > 0 ? 'result="Failed" site="Child"' : 'result="Passed"');
  const failedChild = (c, indent) => (c.failed > 0 ? `${indent}<failure>\n${indent}  <message><![CDATA[One or more child tests had errors]]></message>\n${indent}</failure>\n` : '');
  for (let n = 0; size < targetBytes; n++) {
    const ns = `Acme.Billing.Module${n}.Tests`;
    const nsCounts = { total: 0, passed: 0, failed: 0, skipped: 0 };
    const fixtures = [];
    for (let f = 0; f < 8; f++) {
      const cls = `${WORDS[(n + f) % WORDS.length][0].toUpperCase()}${WORDS[(n + f) % WORDS.length].slice(1)}Service${f}Tests`;
      const c = { total: 0, passed: 0, failed: 0, skipped: 0 };
      const cases = [];
      const count = 10 + Math.floor(r() * 40);
      for (let t = 0; t < count; t++, i++) {
        const method = `${WORDS[t % WORDS.length][0].toUpperCase()}${WORDS[t % WORDS.length].slice(1)}_Returns_Expected_${t}`;
        const name = t % 4 === 0 ? `${method}(&quot;input-${t}&quot;,${t})` : method;
        const d = r() * 0.02;
        const attrs = `id="1-${id++}" name="${name}" fullname="${ns}.${cls}.${name}" methodname="${method}" classname="${ns}.${cls}" runstate="Runnable" seed="${Math.floor(r() * 2e9)}"`;
        const times = `start-time="2024-05-01T12:00:00.0000000Z" end-time="2024-05-01T12:00:00.0200000Z" duration="${d.toFixed(6)}"`;
        c.total++;
        if (i % 131 === 9) {
          c.failed++;
          cases.push(`        <test-case ${attrs} result="Failed" ${times} asserts="1">\n          <failure>\n            <message><![CDATA[  Expected: ${t}\n  But was:  ${t + 1}\n]]></message>\n            <stack-trace><![CDATA[${dotnetStack(r, ns, cls, method)}\n]]></stack-trace>\n          </failure>\n          <assertions>\n            <assertion result="Failed">\n              <message><![CDATA[  Expected: ${t}\n  But was:  ${t + 1}\n]]></message>\n            </assertion>\n          </assertions>\n        </test-case>\n`);
        } else if (i % 71 === 5) {
          c.skipped++;
          cases.push(`        <test-case ${attrs.replace('runstate="Runnable"', 'runstate="Ignored"')} result="Skipped" label="Ignored" ${times} asserts="0">\n          <properties>\n            <property name="_SKIPREASON" value="Flaky on Linux, see #1234" />\n          </properties>\n          <reason>\n            <message><![CDATA[Flaky on Linux, see #1234]]></message>\n          </reason>\n        </test-case>\n`);
        } else {
          c.passed++;
          cases.push(r() < 0.05 ? `        <test-case ${attrs} result="Passed" ${times} asserts="1">\n          <output><![CDATA[Connecting to fake store <in-memory> & seeding ${t} rows\n]]></output>\n        </test-case>\n` : `        <test-case ${attrs} result="Passed" ${times} asserts="1" />\n`);
        }
      }
      fixtures.push(`      <test-suite type="TestFixture" id="1-${id++}" name="${cls}" fullname="${ns}.${cls}" classname="${ns}.${cls}" runstate="Runnable" testcasecount="${c.total}" ${result(c)} start-time="2024-05-01T12:00:00Z" end-time="2024-05-01T12:00:01Z" duration="0.5" ${suiteAttrs(c)}>\n${failedChild(c, '        ')}${cases.join('')}      </test-suite>\n`);
      for (const k of Object.keys(c)) nsCounts[k] += c[k];
    }
    const text = `    <test-suite type="TestSuite" id="1-${id++}" name="Module${n}" fullname="${ns}" runstate="Runnable" testcasecount="${nsCounts.total}" ${result(nsCounts)} start-time="2024-05-01T12:00:00Z" end-time="2024-05-01T12:00:09Z" duration="4.5" ${suiteAttrs(nsCounts)}>\n${failedChild(nsCounts, '      ')}${fixtures.join('')}    </test-suite>\n`;
    namespaces.push(text);
    size += text.length;
    for (const k of Object.keys(run)) run[k] += nsCounts[k];
  }
  return writeParts(file, [
    `<?xml version="1.0" encoding="utf-8" standalone="no"?>\n<test-run id="0" runstate="Runnable" testcasecount="${run.total}" ${result(run)} total="${run.total}" passed="${run.passed}" failed="${run.failed}" warnings="0" inconclusive="0" skipped="${run.skipped}" asserts="${run.passed + run.failed}" engine-version="3.16.3.0" clr-version="8.0.4" start-time="2024-05-01 12:00:00Z" end-time="2024-05-01 12:10:00Z" duration="600.5">\n`,
    `  <command-line><![CDATA[/usr/share/dotnet/dotnet test --logger "nunit;LogFilePath=TestResults/results.xml"]]></command-line>\n`,
    `  <test-suite type="Assembly" id="0-1000" name="Acme.Billing.Tests.dll" fullname="/home/runner/work/app/app/tests/bin/Release/net8.0/Acme.Billing.Tests.dll" runstate="Runnable" testcasecount="${run.total}" ${result(run)} start-time="2024-05-01T12:00:00Z" end-time="2024-05-01T12:10:00Z" duration="600.5" ${suiteAttrs(run)}>\n`,
    `    <environment framework-version="3.14.0.0" clr-version="8.0.4" os-version="Unix 6.5.0.1017" platform="Unix" cwd="/home/runner/work/app/app" machine-name="fv-az1234-567" user="runner" user-domain="fv-az1234-567" culture="en-US" uiculture="en-US" os-architecture="x64" />\n`,
    failedChild(run, '    '),
    ...namespaces,
    '  </test-suite>\n</test-run>\n',
  ]);
}

/** TRX (`dotnet test --logger trx`): results, then definitions, entries and the result summary. */
export function trx(file, targetBytes, seed = 14) {
  const r = rng(seed);
  return writeFile(file, async (emit, written) => {
    const list = guid(r);
    const testType = '13cdc9d9-ddb5-4fa4-a97d-d965ccfc6d4b';
    await emit(`\ufeff<?xml version="1.0" encoding="utf-8"?>\n<TestRun id="${guid(r)}" name="runner@fv-az1234-567 2024-05-01 12:00:00" runUser="runner" xmlns="http://microsoft.com/schemas/VisualStudio/TeamTest/2010">\n  <Times creation="2024-05-01T12:00:00.0000000+00:00" queuing="2024-05-01T12:00:00.0000000+00:00" start="2024-05-01T12:00:00.0000000+00:00" finish="2024-05-01T12:10:00.0000000+00:00" />\n  <TestSettings name="default" id="${guid(r)}">\n    <Deployment runDeploymentRoot="runner_fv-az1234-567_2024-05-01_12_00_00" />\n  </TestSettings>\n  <Results>\n`);
    const defs = [];
    const c = { total: 0, passed: 0, failed: 0, notExecuted: 0 };
    for (let i = 0; written() < targetBytes * 0.6; i++) {
      const cls = `Acme.Orders.Tests.${WORDS[Math.floor(i / 40) % WORDS.length][0].toUpperCase()}${WORDS[Math.floor(i / 40) % WORDS.length].slice(1)}Tests${Math.floor(i / 40)}`;
      const method = `${WORDS[i % WORDS.length]}_works_${i % 40}`;
      const testName = i % 5 === 0 ? `${cls}.${method}(value: ${i % 9}, expected: &quot;x&quot;)` : `${cls}.${method}`;
      const testId = guid(r);
      const executionId = guid(r);
      const head = `    <UnitTestResult executionId="${executionId}" testId="${testId}" testName="${testName}" computerName="fv-az1234-567" duration="00:00:00.${String(Math.floor(r() * 1e7)).padStart(7, '0').slice(0, 7)}" startTime="2024-05-01T12:00:00.0000000+00:00" endTime="2024-05-01T12:00:00.0100000+00:00" testType="${testType}"`;
      const tail = ` testListId="${list}" relativeResultsDirectory="${executionId}"`;
      c.total++;
      if (i % 127 === 11) {
        c.failed++;
        await emit(`${head} outcome="Failed"${tail}>\n      <Output>\n        <ErrorInfo>\n          <Message>Assert.Equal() Failure: Values differ&#xD;\nExpected: ${i % 13}&#xD;\nActual:   ${(i % 13) + 1}</Message>\n          <StackTrace>${dotnetStack(r, 'Acme.Orders.Tests', cls.split('.').pop(), method).replace(/\n/g, '&#xD;\n')}</StackTrace>\n        </ErrorInfo>\n      </Output>\n    </UnitTestResult>\n`);
      } else if (i % 61 === 3) {
        c.notExecuted++;
        await emit(`${head} outcome="NotExecuted"${tail}>\n      <Output>\n        <StdOut>Skipped: requires Docker</StdOut>\n      </Output>\n    </UnitTestResult>\n`);
      } else {
        c.passed++;
        await emit(`${head} outcome="Passed"${tail} />\n`);
      }
      defs.push([testId, executionId, testName, cls, method]);
    }
    await emit('  </Results>\n  <TestDefinitions>\n');
    for (const [testId, executionId, testName, cls, method] of defs) {
      await emit(`    <UnitTest name="${testName}" storage="/home/runner/work/app/app/tests/bin/release/net8.0/acme.orders.tests.dll" id="${testId}">\n      <Execution id="${executionId}" />\n      <TestMethod codeBase="/home/runner/work/app/app/tests/bin/Release/net8.0/Acme.Orders.Tests.dll" adapterTypeName="executor://xunit/VsTestRunner2/netcoreapp" className="${cls}" name="${method}" />\n    </UnitTest>\n`);
    }
    await emit('  </TestDefinitions>\n  <TestEntries>\n');
    for (const [testId, executionId] of defs) await emit(`    <TestEntry testId="${testId}" executionId="${executionId}" testListId="${list}" />\n`);
    await emit(`  </TestEntries>\n  <TestLists>\n    <TestList name="Results Not in a List" id="${list}" />\n  </TestLists>\n`);
    await emit(`  <ResultSummary outcome="Failed">\n    <Counters total="${c.total}" executed="${c.passed + c.failed}" passed="${c.passed}" failed="${c.failed}" error="0" timeout="0" aborted="0" inconclusive="0" passedButRunAborted="0" notRunnable="0" notExecuted="${c.notExecuted}" disconnected="0" warning="0" completed="0" inProgress="0" pending="0" />\n    <Output>\n      <StdOut>[xUnit.net 00:00:00.00] xUnit.net VSTest Adapter v2.5.7 (64-bit .NET 8.0.4)</StdOut>\n    </Output>\n  </ResultSummary>\n</TestRun>\n`);
  });
}

/** xUnit.net v2 `<assemblies>` (xunit.console -xml): assemblies of collections with declared counts. */
export function xunit(file, targetBytes, seed = 15) {
  const r = rng(seed);
  const assemblies = [];
  let size = 0;
  let i = 0;
  const counts = (c) => `total="${c.total}" passed="${c.passed}" failed="${c.failed}" skipped="${c.skipped}"`;
  for (let a = 0; size < targetBytes; a++) {
    const ac = { total: 0, passed: 0, failed: 0, skipped: 0 };
    const collections = [];
    for (let k = 0; k < 20; k++) {
      const cls = `Acme.Api${a}.Tests.${WORDS[k % WORDS.length][0].toUpperCase()}${WORDS[k % WORDS.length].slice(1)}ControllerTests${k}`;
      const cc = { total: 0, passed: 0, failed: 0, skipped: 0 };
      const tests = [];
      const count = 20 + Math.floor(r() * 60);
      for (let t = 0; t < count; t++, i++) {
        const method = `${WORDS[t % WORDS.length]}_returns_${t % 3 === 0 ? 'NotFound' : 'Ok'}_${t}`;
        const name = t % 4 === 0 ? `${cls}.${method}(id: ${t}, name: &quot;bob&quot;)` : `${cls}.${method}`;
        const head = `      <test name="${name}" type="${cls}" method="${method}" time="${(r() * 0.01).toFixed(7)}"`;
        cc.total++;
        if (i % 113 === 21) {
          cc.failed++;
          tests.push(`${head} result="Fail">\n        <failure exception-type="Xunit.Sdk.EqualException">\n          <message><![CDATA[Assert.Equal() Failure\nExpected: 200\nActual:   404]]></message>\n          <stack-trace><![CDATA[${dotnetStack(r, `Acme.Api${a}.Tests`, cls.split('.').pop(), method)}]]></stack-trace>\n        </failure>\n      </test>\n`);
        } else if (i % 83 === 2) {
          cc.skipped++;
          tests.push(`${head} result="Skip">\n        <reason><![CDATA[Needs a database <postgres>]]></reason>\n      </test>\n`);
        } else {
          cc.passed++;
          tests.push(r() < 0.05 ? `${head} result="Pass">\n        <traits>\n          <trait name="Category" value="Integration" />\n        </traits>\n        <output><![CDATA[GET /api/items -> 200\n]]></output>\n      </test>\n` : `${head} result="Pass" />\n`);
        }
      }
      collections.push(`    <collection ${counts(cc)} name="Test collection for ${cls}" time="${(cc.total * 0.004).toFixed(3)}">\n${tests.join('')}    </collection>\n`);
      for (const key of Object.keys(ac)) ac[key] += cc[key];
    }
    const text = `  <assembly name="/home/runner/work/app/app/tests/Acme.Api${a}.Tests/bin/Release/net8.0/Acme.Api${a}.Tests.dll" run-date="2024-05-01" run-time="12:00:00" config-file="/home/runner/work/app/app/tests/Acme.Api${a}.Tests/bin/Release/net8.0/Acme.Api${a}.Tests.dll.config" test-framework="xUnit.net 2.7.0.0" environment="64-bit .NET 8.0.4 [collection-per-class, parallel (2 threads)]" ${counts(ac)} time="${(ac.total * 0.004).toFixed(3)}" errors="0">\n    <errors />\n${collections.join('')}  </assembly>\n`;
    assemblies.push(text);
    size += text.length;
  }
  return writeParts(file, ['<?xml version="1.0" encoding="utf-8"?>\n<assemblies timestamp="05/01/2024 12:00:00">\n', ...assemblies, '</assemblies>\n']);
}

/** TAP 13 as node --test writes it: a `# Subtest:` header and a YAML block for every point. */
export function tap(file, targetBytes, seed = 16) {
  const r = rng(seed);
  return writeFile(file, async (emit, written) => {
    await emit('TAP version 13\n');
    let n = 0;
    const counts = { pass: 0, fail: 0, skip: 0 };
    for (let i = 0; written() < targetBytes; i++) {
      n++;
      const name = `${DESCRIBES[i % DESCRIBES.length]} ${WORDS[i % WORDS.length]}s case ${i}`;
      const yaml = `  ---\n  duration_ms: ${(r() * 5).toFixed(6)}\n  type: 'test'\n`;
      if (i % 151 === 19) {
        counts.fail++;
        await emit(`# Subtest: ${name}\nnot ok ${n} - ${name}\n${yaml}  location: '/home/runner/work/app/app/test/${WORDS[i % WORDS.length]}.test.mjs:${10 + (i % 200)}:3'\n  failureType: 'testCodeFailure'\n  error: |-\n    Expected values to be strictly equal:\n    \n    ${i % 7} !== ${(i % 7) + 1}\n    \n  code: 'ERR_ASSERTION'\n  name: 'AssertionError'\n  expected: ${(i % 7) + 1}\n  actual: ${i % 7}\n  operator: 'strictEqual'\n  stack: |-\n    TestContext.<anonymous> (file:///home/runner/work/app/app/test/${WORDS[i % WORDS.length]}.test.mjs:${10 + (i % 200)}:12)\n    Test.runInAsyncScope (node:async_hooks:206:9)\n    Test.run (node:internal/test_runner/test:639:25)\n    Test.processPendingSubtests (node:internal/test_runner/test:382:18)\n  ...\n`);
      } else if (i % 97 === 4) {
        counts.skip++;
        await emit(`# Subtest: ${name}\nok ${n} - ${name} # SKIP not supported on linux\n${yaml}  ...\n`);
      } else {
        counts.pass++;
        await emit(`# Subtest: ${name}\nok ${n} - ${name}\n${yaml}  ...\n`);
      }
    }
    await emit(`1..${n}\n# tests ${n}\n# suites 0\n# pass ${counts.pass}\n# fail ${counts.fail}\n# cancelled 0\n# skipped ${counts.skip}\n# todo 0\n# duration_ms 12345.678\n`);
  });
}

/** `go test -json` events: packages of tests and table-driven subtests, their output, pass/fail/skip. */
export function goTestJson(file, targetBytes, seed = 17) {
  const r = rng(seed);
  let clock = Date.parse('2024-05-01T12:00:00Z');
  const time = () => {
    clock += Math.floor(r() * 3);
    return new Date(clock).toISOString().replace('Z', '123456Z');
  };
  const ev = (fields) => `${JSON.stringify({ Time: time(), ...fields })}\n`;
  return writeFile(file, async (emit, written) => {
    let i = 0;
    for (let p = 0; written() < targetBytes; p++) {
      const pkg = `github.com/acme/app/internal/${WORDS[p % WORDS.length]}${p}`;
      const lines = [ev({ Action: 'start', Package: pkg })];
      let pkgFailed = false;
      const tests = 5 + Math.floor(r() * 20);
      for (let t = 0; t < tests; t++) {
        const test = `Test${WORDS[t % WORDS.length][0].toUpperCase()}${WORDS[t % WORDS.length].slice(1)}${t}`;
        lines.push(ev({ Action: 'run', Package: pkg, Test: test }), ev({ Action: 'output', Package: pkg, Test: test, Output: `=== RUN   ${test}\n` }));
        const subs = r() < 0.5 ? 0 : 2 + Math.floor(r() * 8);
        let failed = false;
        const ends = [];
        for (let s = 0; s < subs; s++, i++) {
          const sub = `${test}/${PARAMS[s % PARAMS.length]}_input_${s}`;
          lines.push(ev({ Action: 'run', Package: pkg, Test: sub }), ev({ Action: 'output', Package: pkg, Test: sub, Output: `=== RUN   ${sub}\n` }));
          if (i % 149 === 31) {
            failed = true;
            lines.push(ev({ Action: 'output', Package: pkg, Test: sub, Output: `    ${WORDS[t % WORDS.length]}_test.go:${20 + s}: got ${s}, want ${s + 1}\n` }));
            ends.push([sub, 'fail']);
          } else ends.push([sub, 'pass']);
        }
        i++;
        let outcome;
        if (subs === 0 && i % 139 === 8) {
          outcome = 'fail';
          lines.push(ev({ Action: 'output', Package: pkg, Test: test, Output: `    ${WORDS[t % WORDS.length]}_test.go:${30 + t}: unexpected error: connection reset by peer\n` }));
        } else if (subs === 0 && i % 89 === 6) {
          outcome = 'skip';
          lines.push(ev({ Action: 'output', Package: pkg, Test: test, Output: `    ${WORDS[t % WORDS.length]}_test.go:${12 + t}: skipping integration test in short mode\n` }));
        } else outcome = failed ? 'fail' : 'pass';
        const elapsed = Number((r() * 0.05).toFixed(2));
        const word = { pass: 'PASS', fail: 'FAIL', skip: 'SKIP' };
        lines.push(ev({ Action: 'output', Package: pkg, Test: test, Output: `--- ${word[outcome]}: ${test} (${elapsed.toFixed(2)}s)\n` }));
        for (const [sub, o] of ends) {
          lines.push(ev({ Action: 'output', Package: pkg, Test: sub, Output: `    --- ${word[o]}: ${sub} (0.00s)\n` }), ev({ Action: o, Package: pkg, Test: sub, Elapsed: 0 }));
        }
        lines.push(ev({ Action: outcome, Package: pkg, Test: test, Elapsed: elapsed }));
        if (outcome === 'fail') pkgFailed = true;
      }
      const elapsed = (r() * 3).toFixed(3);
      if (pkgFailed) lines.push(ev({ Action: 'output', Package: pkg, Output: 'FAIL\n' }), ev({ Action: 'output', Package: pkg, Output: `FAIL\t${pkg}\t${elapsed}s\n` }), ev({ Action: 'fail', Package: pkg, Elapsed: Number(elapsed) }));
      else lines.push(ev({ Action: 'output', Package: pkg, Output: 'PASS\n' }), ev({ Action: 'output', Package: pkg, Output: `ok  \t${pkg}\t${elapsed}s\n` }), ev({ Action: 'pass', Package: pkg, Elapsed: Number(elapsed) }));
      await emit(lines.join(''));
    }
  });
}

function jsStack(testFile, line) {
  return `Error: expect(received).toEqual(expected) // deep equality\n\nExpected: 3\nReceived: 2\n    at Object.<anonymous> (${testFile}:${line}:21)\n    at Promise.then.completed (/home/runner/work/app/app/node_modules/jest-circus/build/utils.js:298:28)\n    at new Promise (<anonymous>)\n    at callAsyncCircusFn (/home/runner/work/app/app/node_modules/jest-circus/build/utils.js:231:10)\n    at _callCircusTest (/home/runner/work/app/app/node_modules/jest-circus/build/run.js:316:40)`;
}

/** `jest --json`: one entry per test file, each with its assertion results; totals declared first. */
export function jestJson(file, targetBytes, seed = 18) {
  const r = rng(seed);
  const files = [];
  const totals = { passed: 0, failed: 0, pending: 0, failedSuites: 0 };
  let size = 0;
  let i = 0;
  for (let f = 0; size < targetBytes; f++) {
    const testFile = `/home/runner/work/app/app/src/${WORDS[f % WORDS.length]}/module${f}.test.ts`;
    const results = [];
    const count = 5 + Math.floor(r() * 40);
    let fileFailed = false;
    for (let t = 0; t < count; t++, i++) {
      const describe = DESCRIBES[(f + t) % DESCRIBES.length];
      const title = `${WORDS[t % WORDS.length]}s the value #${t}`;
      const status = i % 101 === 13 ? 'failed' : i % 67 === 5 ? 'pending' : 'passed';
      totals[status]++;
      if (status === 'failed') fileFailed = true;
      const failure = status === 'failed' ? [jsStack(testFile, 10 + t)] : [];
      results.push({ ancestorTitles: [describe], duration: status === 'pending' ? null : Math.floor(r() * 20), failureDetails: failure.map(() => ({ matcherResult: { actual: 2, expected: 3, message: 'expect(received).toEqual(expected)', name: 'toEqual', pass: false } })), failureMessages: failure, fullName: `${describe} ${title}`, invocations: 1, location: null, numPassingAsserts: status === 'passed' ? 1 : 0, retryReasons: [], status, title });
    }
    if (fileFailed) totals.failedSuites++;
    const text = JSON.stringify({ assertionResults: results, endTime: 1714564800000 + f * 100 + 90, message: fileFailed ? `  ● ${DESCRIBES[f % DESCRIBES.length]} › failed\n\n    expect(received).toEqual(expected)` : '', name: testFile, startTime: 1714564800000 + f * 100, status: fileFailed ? 'failed' : 'passed', summary: '' });
    files.push(text);
    size += text.length;
  }
  const total = totals.passed + totals.failed + totals.pending;
  const head = `{"numFailedTestSuites":${totals.failedSuites},"numFailedTests":${totals.failed},"numPassedTestSuites":${files.length - totals.failedSuites},"numPassedTests":${totals.passed},"numPendingTestSuites":0,"numPendingTests":${totals.pending},"numRuntimeErrorTestSuites":0,"numTodoTests":0,"numTotalTestSuites":${files.length},"numTotalTests":${total},"openHandles":[],"snapshot":{"added":0,"didUpdate":false,"failure":false,"filesAdded":0,"filesRemoved":0,"filesRemovedList":[],"filesUnmatched":0,"filesUpdated":0,"matched":0,"total":0,"unchecked":0,"uncheckedKeysByFile":[],"unmatched":0,"updated":0},"startTime":1714564800000,"success":${totals.failed === 0},"testResults":[`;
  const parts = [head];
  for (let k = 0; k < files.length; k++) parts.push(k === 0 ? files[k] : `,${files[k]}`);
  parts.push('],"wasInterrupted":false}\n');
  return writeParts(file, parts);
}

/** mocha's json reporter: stats first, then tests, pending, failures and passes (pretty-printed, as mocha writes it). */
export function mochaJson(file, targetBytes, seed = 19) {
  const r = rng(seed);
  const tests = [];
  const pending = [];
  const failures = [];
  const passes = [];
  let size = 0;
  for (let i = 0; size < targetBytes; i++) {
    const testFile = `/home/runner/work/app/app/test/${WORDS[Math.floor(i / 30) % WORDS.length]}.spec.js`;
    const title = `${WORDS[i % WORDS.length]}s item ${i}`;
    const base = { title, fullTitle: `${DESCRIBES[Math.floor(i / 30) % DESCRIBES.length]} ${title}`, file: testFile, duration: Math.floor(r() * 10), currentRetry: 0, speed: 'fast', err: {} };
    let test;
    if (i % 109 === 17) {
      test = { ...base, err: { stack: `AssertionError [ERR_ASSERTION]: Expected values to be strictly equal:\n\n${i % 5} !== ${(i % 5) + 1}\n\n    at Context.<anonymous> (${testFile}:${12 + (i % 30)}:12)\n    at process.processImmediate (node:internal/timers:478:21)`, message: `Expected values to be strictly equal:\n\n${i % 5} !== ${(i % 5) + 1}\n`, generatedMessage: true, name: 'AssertionError', code: 'ERR_ASSERTION', actual: String(i % 5), expected: String((i % 5) + 1), operator: 'strictEqual' } };
      failures.push(test);
    } else if (i % 73 === 3) {
      test = { title, fullTitle: base.fullTitle, file: testFile, currentRetry: 0, err: {} };
      pending.push(test);
    } else {
      test = base;
      passes.push(test);
    }
    tests.push(test);
    size += 2 * JSON.stringify(test, null, 2).length;
  }
  const doc = { stats: { suites: Math.ceil(tests.length / 30), tests: tests.length, passes: passes.length, pending: pending.length, failures: failures.length, start: '2024-05-01T12:00:00.000Z', end: '2024-05-01T12:01:00.000Z', duration: 60000 }, tests, pending, failures, passes };
  return writeParts(file, [JSON.stringify(doc, null, 2)]);
}

/** `rspec --format json`: examples, then the summary. */
export function rspecJson(file, targetBytes, seed = 20) {
  const r = rng(seed);
  return writeFile(file, async (emit, written) => {
    await emit('{"version":"3.13.0","seed":4242,"examples":[');
    const c = { examples: 0, failures: 0, pending: 0 };
    for (let i = 0; written() < targetBytes; i++) {
      const spec = `./spec/models/${WORDS[Math.floor(i / 25) % WORDS.length]}_${Math.floor(i / 25)}_spec.rb`;
      const line = 5 + (i % 25) * 6;
      const example = { id: `${spec}[1:${(i % 25) + 1}]`, description: `${WORDS[i % WORDS.length]}s the record`, full_description: `${WORDS[Math.floor(i / 25) % WORDS.length]} model ${WORDS[i % WORDS.length]}s the record`, status: 'passed', file_path: spec, line_number: line, run_time: Number((r() * 0.05).toFixed(6)), pending_message: null };
      c.examples++;
      if (i % 103 === 7) {
        c.failures++;
        example.status = 'failed';
        example.exception = { class: 'RSpec::Expectations::ExpectationNotMetError', message: `\nexpected: ${i % 9}\n     got: ${(i % 9) + 1}\n\n(compared using ==)\n`, backtrace: ['/home/runner/work/app/app/vendor/bundle/ruby/3.3.0/gems/rspec-support-3.13.1/lib/rspec/support.rb:110:in `block in <module:Support>\'', '/home/runner/work/app/app/vendor/bundle/ruby/3.3.0/gems/rspec-expectations-3.13.0/lib/rspec/expectations/fail_with.rb:35:in `fail_with\'', `${spec.slice(2)}:${line + 2}:in \`block (2 levels) in <top (required)>'`] };
      } else if (i % 79 === 4) {
        c.pending++;
        example.status = 'pending';
        example.pending_message = 'Temporarily skipped with xit';
      }
      await emit(`${i === 0 ? '' : ','}${JSON.stringify(example)}`);
    }
    await emit(`],"summary":{"duration":123.456,"example_count":${c.examples},"failure_count":${c.failures},"pending_count":${c.pending},"errors_outside_of_examples_count":0},"summary_line":"${c.examples} examples, ${c.failures} failures, ${c.pending} pending"}\n`);
  });
}

/** CTRF (jest-ctrf-json-reporter): summary first, then the tests. */
export function ctrf(file, targetBytes, seed = 21) {
  const r = rng(seed);
  const tests = [];
  const s = { tests: 0, passed: 0, failed: 0, pending: 0, skipped: 0, other: 0 };
  let size = 0;
  for (let i = 0; size < targetBytes; i++) {
    const filePath = `/home/runner/work/app/app/src/${WORDS[Math.floor(i / 20) % WORDS.length]}/module${Math.floor(i / 20)}.test.ts`;
    const describe = DESCRIBES[Math.floor(i / 20) % DESCRIBES.length];
    const test = { name: `${describe} ${WORDS[i % WORDS.length]}s #${i}`, duration: Math.floor(r() * 30), status: 'passed', rawStatus: 'passed', type: 'unit', filePath, retries: 0, flaky: false, suite: `module${Math.floor(i / 20)}.test.ts > ${describe}` };
    if (i % 97 === 9) {
      test.status = 'failed';
      test.rawStatus = 'failed';
      test.message = 'Error: expect(received).toEqual(expected) // deep equality\n\nExpected: 3\nReceived: 2\n';
      test.trace = jsStack(filePath, 8 + (i % 20)).split('\n').slice(4).map((l) => l.trim()).join('\n');
    } else if (i % 59 === 2) {
      test.status = 'skipped';
      test.rawStatus = 'pending';
    }
    s.tests++;
    s[test.status]++;
    const text = JSON.stringify(test);
    tests.push(text);
    size += text.length;
  }
  const head = `{"reportFormat":"CTRF","specVersion":"0.0.0","reportId":"6c1a2b3c-0000-4000-8000-000000000001","timestamp":"2024-05-01T12:00:00.000Z","generatedBy":"jest-ctrf-json-reporter","results":{"tool":{"name":"jest"},"summary":${JSON.stringify({ ...s, start: 1714564800000, stop: 1714564860000 })},"tests":[`;
  const parts = [head];
  for (let k = 0; k < tests.length; k++) parts.push(k === 0 ? tests[k] : `,${tests[k]}`);
  parts.push(']}}\n');
  return writeParts(file, parts);
}

/** A JS source file's coverage as Istanbul sees it: statements on distinct lines, functions, if-branches. */
function jsFileCoverage(r, f) {
  const statements = [];
  const functions = [];
  const branches = [];
  let line = 1;
  const count = 20 + Math.floor(r() * 150);
  for (let s = 0; s < count; s++) {
    line += 1 + Math.floor(r() * 3);
    const hits = r() < 0.8 ? 1 + Math.floor(r() * 40) : 0;
    statements.push({ line, col: 2 + (s % 6), end: 10 + Math.floor(r() * 70), hits });
    if (s % 8 === 0) functions.push({ name: `${WORDS[s % WORDS.length]}${f}_${s}`, line, hits: hits > 0 ? hits : 0 });
    if (r() < 0.12) branches.push({ line, hits: [hits > 0 ? Math.floor(r() * hits) : 0, hits > 0 ? Math.floor(r() * 3) : 0] });
  }
  return { statements, functions, branches };
}

/** Istanbul coverage-final.json (Jest's `json` reporter). */
export function istanbul(file, targetBytes, seed = 22) {
  const r = rng(seed);
  return writeFile(file, async (emit, written) => {
    await emit('{');
    for (let f = 0; written() < targetBytes; f++) {
      const path = `/home/runner/work/app/app/src/${WORDS[f % WORDS.length]}/file${f}.js`;
      const { statements, functions, branches } = jsFileCoverage(r, f);
      const pos = (line, column) => ({ line, column });
      const entry = {
        path,
        statementMap: Object.fromEntries(statements.map((s, k) => [k, { start: pos(s.line, s.col), end: pos(s.line, s.end) }])),
        fnMap: Object.fromEntries(functions.map((fn, k) => [k, { name: fn.name, decl: { start: pos(fn.line, 9), end: pos(fn.line, 9 + fn.name.length) }, loc: { start: pos(fn.line, 20), end: pos(fn.line + 3, 1) }, line: fn.line }])),
        branchMap: Object.fromEntries(branches.map((b, k) => [k, { loc: { start: pos(b.line, 2), end: pos(b.line + 2, 3) }, type: 'if', locations: [{ start: pos(b.line, 2), end: pos(b.line + 2, 3) }, { start: pos(b.line, 2), end: pos(b.line + 2, 3) }], line: b.line }])),
        s: Object.fromEntries(statements.map((s, k) => [k, s.hits])),
        f: Object.fromEntries(functions.map((fn, k) => [k, fn.hits])),
        b: Object.fromEntries(branches.map((b, k) => [k, b.hits])),
        _coverageSchema: '1a1c01bbd47fc00a2c39e90264f33305004495a9',
        hash: ((f * 2654435761) >>> 0).toString(16).padStart(8, '0').repeat(5),
      };
      await emit(`${f === 0 ? '' : ','}${JSON.stringify(path)}: ${JSON.stringify(entry)}\n`);
    }
    await emit('}\n');
  });
}

/** Clover XML as Istanbul's clover reporter (Jest, nyc) writes it: one `<line>` per line, declared metrics per file and project. */
export function clover(file, targetBytes, seed = 23) {
  const r = rng(seed);
  const files = [];
  const p = { statements: 0, covered: 0, conditionals: 0, coveredconditionals: 0, methods: 0, coveredmethods: 0 };
  let size = 0;
  for (let f = 0; size < targetBytes; f++) {
    const { statements, functions, branches } = jsFileCoverage(r, f);
    const byLine = new Map(branches.map((b) => [b.line, b]));
    const m = { statements: statements.length, covered: statements.filter((s) => s.hits > 0).length, conditionals: 2 * branches.length, coveredconditionals: branches.reduce((n, b) => n + (b.hits[0] > 0) + (b.hits[1] > 0), 0), methods: functions.length, coveredmethods: functions.filter((fn) => fn.hits > 0).length };
    const lines = statements.map((s) => {
      const b = byLine.get(s.line);
      if (b === undefined) return `      <line num="${s.line}" count="${s.hits}" type="stmt"/>\n`;
      const t = (b.hits[0] > 0) + (b.hits[1] > 0);
      return `      <line num="${s.line}" count="${s.hits}" type="cond" truecount="${t}" falsecount="${2 - t}"/>\n`;
    });
    const name = `file${f}.js`;
    const text = `    <file name="${name}" path="/home/runner/work/app/app/src/${WORDS[f % WORDS.length]}/${name}">\n      <metrics statements="${m.statements}" coveredstatements="${m.covered}" conditionals="${m.conditionals}" coveredconditionals="${m.coveredconditionals}" methods="${m.methods}" coveredmethods="${m.coveredmethods}"/>\n${lines.join('')}    </file>\n`;
    files.push(text);
    size += text.length;
    for (const k of Object.keys(p)) p[k] += m[k];
  }
  return writeParts(file, [
    `<?xml version="1.0" encoding="UTF-8"?>\n<coverage generated="1714564800000" clover="3.2.0">\n  <project timestamp="1714564800000" name="All files">\n    <metrics statements="${p.statements}" coveredstatements="${p.covered}" conditionals="${p.conditionals}" coveredconditionals="${p.coveredconditionals}" methods="${p.methods}" coveredmethods="${p.coveredmethods}" elements="${p.statements + p.conditionals + p.methods}" coveredelements="${p.covered + p.coveredconditionals + p.coveredmethods}" complexity="0" loc="${p.statements}" ncloc="${p.statements}" packages="${WORDS.length}" files="${files.length}" classes="${files.length}"/>\n`,
    ...files,
    '  </project>\n</coverage>\n',
  ]);
}

/** OpenCover XML as coverlet writes it: modules, files, classes, methods with sequence and branch points, a declared summary. */
export function opencover(file, targetBytes, seed = 24) {
  const r = rng(seed);
  const modules = [];
  const total = { sp: 0, vsp: 0, bp: 0, vbp: 0, methods: 0, vmethods: 0, classes: 0, vclasses: 0 };
  const summary = (s) => `<Summary numSequencePoints="${s.sp}" visitedSequencePoints="${s.vsp}" numBranchPoints="${s.bp}" visitedBranchPoints="${s.vbp}" sequenceCoverage="${s.sp ? ((100 * s.vsp) / s.sp).toFixed(2) : 0}" branchCoverage="${s.bp ? ((100 * s.vbp) / s.bp).toFixed(2) : 0}" maxCyclomaticComplexity="4" minCyclomaticComplexity="1" visitedClasses="${s.vclasses}" numClasses="${s.classes}" visitedMethods="${s.vmethods}" numMethods="${s.methods}" />`;
  let size = 0;
  let uid = 1;
  for (let m = 0; size < targetBytes; m++) {
    const mod = `Acme.Module${m}`;
    const ms = { sp: 0, vsp: 0, bp: 0, vbp: 0, methods: 0, vmethods: 0, classes: 0, vclasses: 0 };
    const fileEls = [];
    const classes = [];
    for (let c = 0; c < 30; c++) {
      const fileId = uid++;
      const cls = `${mod}.${WORDS[c % WORDS.length][0].toUpperCase()}${WORDS[c % WORDS.length].slice(1)}Handler${c}`;
      fileEls.push(`        <File uid="${fileId}" fullPath="/home/runner/work/app/app/src/${mod}/${cls.split('.').pop()}.cs" />\n`);
      const cs = { sp: 0, vsp: 0, bp: 0, vbp: 0, methods: 0, vmethods: 0, classes: 1, vclasses: 0 };
      const methods = [];
      let line = 10;
      const count = 2 + Math.floor(r() * 8);
      for (let k = 0; k < count; k++) {
        const name = `System.Threading.Tasks.Task\`1&lt;System.Boolean&gt; ${cls}::${WORDS[k % WORDS.length][0].toUpperCase()}${WORDS[k % WORDS.length].slice(1)}Async${k}(System.String,System.Int32)`;
        const sps = [];
        const bps = [];
        const visited = r() < 0.8;
        const s = { sp: 0, vsp: 0, bp: 0, vbp: 0 };
        const points = 3 + Math.floor(r() * 15);
        let offset = 0;
        for (let q = 0; q < points; q++) {
          line += 1 + Math.floor(r() * 2);
          const vc = visited && r() < 0.85 ? 1 + Math.floor(r() * 30) : 0;
          sps.push(`                <SequencePoint vc="${vc}" uspid="${uid++}" ordinal="${q}" sl="${line}" sc="13" el="${line}" ec="${30 + (q % 40)}" bec="0" bev="0" fileid="${fileId}" />\n`);
          s.sp++;
          if (vc > 0) s.vsp++;
          if (r() < 0.1) {
            for (let path = 0; path < 2; path++) {
              const bvc = vc > 0 && r() < 0.7 ? Math.floor(1 + r() * vc) : 0;
              bps.push(`                <BranchPoint vc="${bvc}" uspid="${uid++}" ordinal="${bps.length}" offset="${offset}" sl="${line}" path="${path}" offsetend="${offset + 8}" fileid="${fileId}" />\n`);
              s.bp++;
              if (bvc > 0) s.vbp++;
            }
          }
          offset += 12;
        }
        line += 3;
        const mv = s.vsp > 0;
        methods.push(`            <Method cyclomaticComplexity="${1 + bps.length / 2}" nPathComplexity="0" sequenceCoverage="${((100 * s.vsp) / s.sp).toFixed(2)}" branchCoverage="${s.bp ? ((100 * s.vbp) / s.bp).toFixed(2) : 0}" isConstructor="False" isGetter="False" isSetter="False" isStatic="False" visited="${mv}">\n              ${summary({ ...s, methods: 1, vmethods: mv ? 1 : 0, classes: 0, vclasses: 0 })}\n              <MetadataToken>${100663297 + k}</MetadataToken>\n              <Name>${name}</Name>\n              <FileRef uid="${fileId}" />\n              <SequencePoints>\n${sps.join('')}              </SequencePoints>\n              <BranchPoints>\n${bps.join('')}              </BranchPoints>\n              <MethodPoint vc="${mv ? 1 : 0}" uspid="${uid++}" ordinal="0" offset="0" sl="${line}" sc="9" el="${line}" ec="10" bec="0" bev="0" fileid="${fileId}" />\n            </Method>\n`);
        cs.sp += s.sp;
        cs.vsp += s.vsp;
        cs.bp += s.bp;
        cs.vbp += s.vbp;
        cs.methods++;
        if (mv) cs.vmethods++;
      }
      if (cs.vmethods > 0) cs.vclasses = 1;
      classes.push(`        <Class>\n          ${summary(cs)}\n          <FullName>${cls}</FullName>\n          <Methods>\n${methods.join('')}          </Methods>\n        </Class>\n`);
      for (const key of Object.keys(ms)) ms[key] += cs[key];
    }
    const text = `    <Module hash="${guid(r).toUpperCase()}">\n      ${summary(ms)}\n      <ModulePath>/home/runner/work/app/app/src/${mod}/bin/Debug/net8.0/${mod}.dll</ModulePath>\n      <ModuleTime>2024-05-01T12:00:00</ModuleTime>\n      <ModuleName>${mod}</ModuleName>\n      <Files>\n${fileEls.join('')}      </Files>\n      <Classes>\n${classes.join('')}      </Classes>\n    </Module>\n`;
    modules.push(text);
    size += text.length;
    for (const key of Object.keys(total)) total[key] += ms[key];
  }
  return writeParts(file, ['\ufeff<?xml version="1.0" encoding="utf-8"?>\n<CoverageSession>\n  ', summary(total), '\n  <Modules>\n', ...modules, '  </Modules>\n</CoverageSession>\n']);
}

/** `go test -coverprofile` in atomic mode: blocks of many packages' files, each block listed once. */
export function goCoverprofile(file, targetBytes, seed = 25) {
  const r = rng(seed);
  return writeFile(file, async (emit, written) => {
    await emit('mode: atomic\n');
    for (let f = 0; written() < targetBytes; f++) {
      const path = `github.com/acme/app/internal/${WORDS[Math.floor(f / 8) % WORDS.length]}${Math.floor(f / 8)}/${WORDS[f % WORDS.length]}.go`;
      const blocks = [];
      let line = 10;
      const count = 10 + Math.floor(r() * 80);
      for (let b = 0; b < count; b++) {
        const start = line;
        const end = start + Math.floor(r() * 4);
        const stmts = 1 + Math.floor(r() * 4);
        const hits = r() < 0.78 ? 1 + Math.floor(r() * 500) : 0;
        blocks.push(`${path}:${start}.${2 + (b % 30)},${end}.${3 + (b % 20)} ${stmts} ${hits}\n`);
        line = end + 1 + Math.floor(r() * 2);
      }
      await emit(blocks.join(''));
    }
  });
}
