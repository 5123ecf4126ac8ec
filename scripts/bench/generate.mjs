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
