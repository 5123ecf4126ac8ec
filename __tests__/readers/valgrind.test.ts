import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EvidenceError } from '../../src/measure.js';
import type { Metrics } from '../../src/measure.js';
import { valgrind, type ValgrindModel } from '../../src/readers/valgrind.js';
import { bytesSource, CONFORMANCE, context, evidenceError, fileSource, FIXTURES, manifest } from '../helpers/evidence.js';

const read = (file: string, chunk = 4096): Promise<ValgrindModel> => valgrind.read(fileSource(file, chunk), context(path.basename(file)));
const readText = (text: string, chunk = 7): Promise<ValgrindModel> => valgrind.read(bytesSource(text, chunk), context('memcheck.xml'));
const fixture = (name: string): string => path.join(FIXTURES, 'valgrind', name);

const rejection = evidenceError;

/**
 * The metrics of a run: `summary` is Valgrind's "ERROR SUMMARY: N errors from M contexts" as
 * [N, M] (null: unknown), leak kinds as [bytes, blocks] or [bytes] (blocks unknown; absent kinds:
 * not reported).
 */
function metricsOf(
  summary: [number, number] | null,
  unique: number,
  fatal: number,
  leaks: Partial<Record<'definite' | 'indirect' | 'possible', [number, number] | [number]>>,
): Metrics {
  const m: Metrics = {};
  if (summary !== null) {
    m.errors = { value: summary[0] };
    m['errors.contexts'] = { value: summary[1] };
  }
  m['errors.unique'] = { value: unique };
  m.fatal_signals = { value: fatal };
  for (const kind of ['definite', 'indirect', 'possible'] as const) {
    const l = leaks[kind];
    if (l === undefined) continue;
    m[`leaks.${kind}.bytes`] = { value: l[0], unit: 'B' };
    if (l[1] !== undefined) m[`leaks.${kind}.blocks`] = { value: l[1] };
  }
  return m;
}

describe('valgrind: conformance corpus', () => {
  const entries = manifest().filter((e) => e.format === 'valgrind');

  it('has the three corpus files', () => {
    expect(entries.map((e) => e.path).sort()).toEqual(['valgrind/flowbber/memcheck.xml', 'valgrind/valparse/bad-test.xml', 'valgrind/valparse/bad.xml']);
  });

  it('valparse bad-test.xml matches the upstream oracle', async () => {
    const entry = entries.find((e) => e.path === 'valgrind/valparse/bad-test.xml')!;
    const oracle = entry.expected as { unique_errors: number; unique_leaks: number; bytes_leaked: number; has_errors: boolean; has_leaks: boolean; fatal_signal: string };
    // The client died of SIGSEGV, but Valgrind finished (FINISHED status, <errorcounts>, closing tag)
    // and ran its leak check (it suppressed two leaks with the run's bad.supp: <suppcounts>). The report
    // is complete, so it is evidence; the crash itself is the fatal_signals metric.
    const m = valgrind.metrics(await read(path.join(CONFORMANCE, entry.path)));
    expect(m['errors.unique']!.value).toBe(oracle.unique_errors);
    expect(m.errors!.value > 0).toBe(oracle.has_errors);
    expect(m['leaks.definite.blocks']!.value + m['leaks.possible.blocks']!.value).toBe(oracle.unique_leaks);
    expect(m['leaks.definite.bytes']!.value + m['leaks.possible.bytes']!.value).toBe(oracle.bytes_leaked);
    expect(m['leaks.definite.bytes']!.value + m['leaks.possible.bytes']!.value > 0).toBe(oracle.has_leaks);
    expect(oracle.fatal_signal).toBe('SIGSEGV');
    expect(m.fatal_signals).toEqual({ value: 1 });
    // --leak-check=full with the default --show-leak-kinds (definite,possible): indirect records not
    // shown, and no definite record to give indirect bytes (both leaks were suppressed): 0 bytes
    expect(m).toEqual(metricsOf([2, 2], 2, 1, { definite: [0, 0], indirect: [0], possible: [0, 0] }));
  });

  // No upstream oracle: numbers read independently with __tests__/fixtures/valgrind/recount.py (Python
  // ElementTree: sum of <errorcounts> counts of the non-leak errors, loss records after the FINISHED
  // status, direct bytes), which also agrees with every real run below.
  it('valparse bad.xml: two errors, two definite leaks after the fatal signal', async () => {
    // <errorcounts>: 0x1 x1, 0x0 x1; Leak_DefinitelyLost 10 B + 20 B in 1 block each; --leak-check=yes:
    // 2 errors + 2 counted loss records = 4 errors from 4 contexts
    expect(valgrind.metrics(await read(path.join(CONFORMANCE, 'valgrind/valparse/bad.xml')))).toEqual(
      metricsOf([4, 4], 2, 1, { definite: [30, 2], indirect: [0], possible: [0, 0] }),
    );
  });

  it('flowbber memcheck.xml: repeated errors count every occurrence', async () => {
    // <errorcounts>: 0x14 (InvalidFree) x1, 0xa (InvalidRead) x10, 0x0 (InvalidWrite) x10 -> 21 errors
    // from 3 contexts; one Leak_DefinitelyLost of 40 bytes in 1 block, one more error and context
    expect(valgrind.metrics(await read(path.join(CONFORMANCE, 'valgrind/flowbber/memcheck.xml')))).toEqual(
      metricsOf([22, 4], 3, 0, { definite: [40, 1], indirect: [0], possible: [0, 0] }),
    );
  });
});

/*
 * Real Valgrind 3.19.0 output (Debian 12, gcc 12.2.0), from the C programs beside the XML files:
 *   gcc -g -O0 -o P P.c
 *   valgrind --tool=memcheck --leak-check=full --show-leak-kinds=all --xml=yes --xml-file=P.xml ./P
 * In --xml=yes mode Valgrind prints no text commentary, so the numbers below were read from the text
 * summary of a second, identical run of the same binary (the same command without --xml*); these
 * programs are deterministic.
 */
describe('valgrind: real memcheck runs', () => {
  it('clean.c: no errors, no leaks', async () => {
    // ERROR SUMMARY: 0 errors from 0 contexts; "All heap blocks were freed -- no leaks are possible"
    expect(valgrind.metrics(await read(fixture('clean.xml')))).toEqual(metricsOf([0, 0], 0, 0, { definite: [0, 0], indirect: [0, 0], possible: [0, 0] }));
  });

  it('leaks.c: definite, indirect and possible leaks as in the LEAK SUMMARY', async () => {
    // LEAK SUMMARY: definitely lost: 32 bytes in 1 blocks; indirectly lost: 32 bytes in 1 blocks;
    // possibly lost: 100 bytes in 1 blocks; still reachable: 16 bytes in 1 blocks.
    // The definite loss record says "64 (32 direct, 32 indirect) bytes" and <leakedbytes>64: its
    // indirect part is the indirect record's, counted once.
    // ERROR SUMMARY: 2 errors from 2 contexts = the definite and possible loss records, no other error.
    expect(valgrind.metrics(await read(fixture('leaks.xml')))).toEqual(metricsOf([2, 2], 0, 0, { definite: [32, 1], indirect: [32, 1], possible: [100, 1] }));
  });

  it('leaks.c with the default --show-leak-kinds: indirect bytes from the definite record, blocks unknown', async () => {
    // valgrind --leak-check=full (no --show-leak-kinds): same LEAK SUMMARY, but only the definite and
    // possible loss records are written; the definite one says "64 (32 direct, 32 indirect)"
    const model = await read(fixture('leaks-default-kinds.xml'));
    expect(valgrind.metrics(model)).toEqual(metricsOf([2, 2], 0, 0, { definite: [32, 1], indirect: [32], possible: [100, 1] }));
    expect(valgrind.notes!(model)).toEqual({ 'leaks.indirect.blocks': expect.stringMatching(/indirect loss records were not shown: .* give no block count/) as unknown });
  });

  it('leaks.c with --leak-check=no: no leak metrics (Valgrind 3.19 still writes the records in XML)', async () => {
    // text mode with --leak-check=no prints no LEAK SUMMARY at all. In XML mode Valgrind runs the full
    // leak check anyway and counts the records it writes: `valgrind --xml=yes --xml-file=x.xml
    // --leak-check=no --error-exitcode=99 ./leaks` exits 99 (errors found), the same run without
    // --xml* exits 0. So the definite and possible records are 2 errors from 2 contexts.
    expect(valgrind.metrics(await read(fixture('leaks-check-no.xml')))).toEqual(metricsOf([2, 2], 0, 0, {}));
  });

  it('leaks.c given arguments that look like Valgrind options: only <vargv> are Valgrind\'s', async () => {
    // valgrind --tool=memcheck --leak-check=full --xml=yes --xml-file=leaks-program-args.xml \
    //   ./leaks --leak-check=full --show-leak-kinds=all
    // The program's own arguments land in <args><argv>; Valgrind ran with the default
    // --show-leak-kinds (definite,possible). Its text summary of the same run: "indirectly lost: 32
    // bytes in 1 blocks", not reported as a loss record, so leaks.indirect.* must stay unknown (read
    // as Valgrind's options, the program's --show-leak-kinds=all made them 0 and passed "== 0").
    const m = valgrind.metrics(await read(fixture('leaks-program-args.xml')));
    expect(m).toEqual(metricsOf([2, 2], 0, 0, { definite: [32, 1], indirect: [32], possible: [100, 1] }));
    expect(valgrind.notes!(await read(fixture('leaks-program-args.xml')))['leaks.indirect.blocks']).toMatch(/indirect loss records were not shown/);
  });

  it('program arguments never stand for Valgrind options, whatever they say', async () => {
    const finished = '<status><state>RUNNING</state></status><status><state>FINISHED</state></status>';
    const run = (vargv: string[], argv: string[]): string =>
      `<?xml version="1.0"?>\n<valgrindoutput><protocolversion>4</protocolversion><protocoltool>memcheck</protocoltool><args><vargv><exe>/usr/bin/valgrind.bin</exe>${vargv
        .map((a) => `<arg>${a}</arg>`)
        .join('')}</vargv><argv><exe>./prog</exe>${argv.map((a) => `<arg>${a}</arg>`).join('')}</argv></args>${finished}<errorcounts/></valgrindoutput>`;
    const options = ['--leak-check=full', '--leak-check=yes', '--leak-check=summary', '--leak-check=no', '--show-leak-kinds=all', '--show-leak-kinds=none', '--show-reachable=yes', '--show-possibly-lost=no'];
    for (const vargv of [[], ['--leak-check=full'], ['--leak-check=summary'], ['--leak-check=full', '--show-leak-kinds=definite']]) {
      const alone = Object.keys(valgrind.metrics(await readText(run(vargv, [])))).sort();
      for (const argv of [options, [...options].reverse(), ['--leak-check=full', '--show-leak-kinds=all']]) {
        expect(Object.keys(valgrind.metrics(await readText(run(vargv, argv)))).sort()).toEqual(alone);
      }
    }
  });

  it('errors.c: an invalid read three times and an uninitialised condition', async () => {
    // "Invalid read of size 4" and "Conditional jump or move depends on uninitialised value(s)";
    // ERROR SUMMARY: 4 errors from 2 contexts; "All heap blocks were freed -- no leaks are possible"
    expect(valgrind.metrics(await read(fixture('errors.xml')))).toEqual(metricsOf([4, 2], 2, 0, { definite: [0, 0], indirect: [0, 0], possible: [0, 0] }));
  });

  it('crash.c: the program died of SIGSEGV; Valgrind finished and reported its leak', async () => {
    // "Process terminating with default action of signal 11 (SIGSEGV)"; LEAK SUMMARY: definitely lost:
    // 48 bytes in 1 blocks; ERROR SUMMARY: 2 errors from 2 contexts (the invalid read and the leak)
    expect(valgrind.metrics(await read(fixture('crash.xml')))).toEqual(metricsOf([2, 2], 1, 1, { definite: [48, 1], indirect: [0, 0], possible: [0, 0] }));
  });

  it('killed.c: Valgrind was killed (SIGKILL) mid-run; the cut-short file is not evidence', async () => {
    // the run was `kill -9`ed during the program's sleep, after its first error: the file ends there
    const err = await rejection(read(fixture('killed.xml')));
    expect(err.message).toMatch(/^Valgrind output is cut short \(no closing <\/valgrindoutput>\)/);
    expect(err.position?.line).toBe(71);
  });

  it('reads the same in tiny chunks', async () => {
    for (const name of ['leaks.xml', 'errors.xml', 'crash.xml']) {
      expect(await read(fixture(name), 3)).toEqual(await read(fixture(name)));
    }
    const text = readFileSync(fixture('leaks.xml'), 'utf8');
    expect(valgrind.metrics(await readText(text, 1))).toEqual(metricsOf([2, 2], 0, 0, { definite: [32, 1], indirect: [32, 1], possible: [100, 1] }));
  });

  it('any truncation of a complete file is refused', async () => {
    const text = readFileSync(fixture('crash.xml'), 'utf8');
    const closing = text.lastIndexOf('</valgrindoutput>');
    for (const cut of [text.indexOf('<status>'), text.indexOf('<fatal_signal>') + 5, text.indexOf('<errorcounts>'), closing, closing + 10]) {
      const err = await rejection(readText(text.slice(0, cut), 64));
      expect(err.message).toMatch(/cut short/);
    }
  });
});

/**
 * Valgrind's own "ERROR SUMMARY: N errors from M contexts" of each run, from error-summaries.txt
 * (the same run without --xml*, its stderr kept beside the fixtures).
 */
function errorSummaries(): Map<string, [number, number]> {
  const text = readFileSync(fixture('error-summaries.txt'), 'utf8');
  const out = new Map<string, [number, number]>();
  for (const section of text.split(/^## /m).slice(1)) {
    const name = /^(\S+\.xml):/.exec(section)![1]!;
    const m = /^ERROR SUMMARY: (\d+) errors from (\d+) contexts/m.exec(section)!;
    out.set(name, [Number(m[1]), Number(m[2])]);
  }
  return out;
}

describe('valgrind: errors is Valgrind\'s ERROR SUMMARY (real runs of repeated.c and client-check.c)', () => {
  const summaries = errorSummaries();

  it('has the summary of every run', () => {
    expect([...summaries.keys()].sort()).toEqual(['client-check.xml', 'repeated-all-errors.xml', 'repeated-all-kinds.xml', 'repeated-definite-shown.xml', 'repeated.xml']);
  });

  it('repeated.c: a read repeated 5 times from one context counts 5, the definite and possible loss records one each', async () => {
    // 5 invalid reads (<count>5</count>) + 1 uninitialised condition + 2 loss records = 8 from 4
    expect(summaries.get('repeated.xml')).toEqual([8, 4]);
    const model = await read(fixture('repeated.xml'), 101);
    // indirect: "96 (32 direct, 64 indirect) bytes in 1 blocks are definitely lost"; the LEAK SUMMARY
    // says "indirectly lost: 64 bytes in 2 blocks", a block count no record of this run gives
    expect(valgrind.metrics(model)).toEqual(metricsOf(summaries.get('repeated.xml')!, 2, 0, { definite: [32, 1], indirect: [64], possible: [100, 1] }));
  });

  it('repeated.c with --show-leak-kinds=all: the indirect records are shown but not counted as errors', async () => {
    expect(summaries.get('repeated-all-kinds.xml')).toEqual([8, 4]);
    const m = valgrind.metrics(await read(fixture('repeated-all-kinds.xml'), 13));
    expect(m).toEqual(metricsOf(summaries.get('repeated-all-kinds.xml')!, 2, 0, { definite: [32, 1], indirect: [64, 2], possible: [100, 1] }));
  });

  it('repeated.c with --errors-for-leak-kinds=all: every loss record is an error', async () => {
    expect(summaries.get('repeated-all-errors.xml')).toEqual([10, 6]);
    const m = valgrind.metrics(await read(fixture('repeated-all-errors.xml')));
    expect(m).toEqual(metricsOf(summaries.get('repeated-all-errors.xml')!, 2, 0, { definite: [32, 1], indirect: [64, 2], possible: [100, 1] }));
  });

  it('repeated.c with --show-leak-kinds=definite: Valgrind counts the possible record it does not write, so errors is unknown', async () => {
    // its ERROR SUMMARY still says 8 errors from 4 contexts, but the XML holds one loss record: 7 would be a guess
    expect(summaries.get('repeated-definite-shown.xml')).toEqual([8, 4]);
    const model = await read(fixture('repeated-definite-shown.xml'));
    expect(valgrind.metrics(model)).toEqual(metricsOf(null, 2, 0, { definite: [32, 1], indirect: [64] }));
    const notes = valgrind.notes!(model);
    expect(notes.errors).toMatch(/counted the possible loss records as errors \(--errors-for-leak-kinds\) but did not write them/);
    expect(notes['errors.contexts']).toBe(notes.errors);
    // unknown in one file, unknown in a merge
    const merged = valgrind.merge([await read(fixture('repeated.xml')), model]);
    expect(valgrind.metrics(merged).errors).toBeUndefined();
    expect(valgrind.notes!(merged).errors).toMatch(/possible loss records/);
  });

  it('client-check.c: the loss record of a leak check the program requested counts too', async () => {
    // the program printed VALGRIND_COUNT_ERRORS = 1 after its own check, in the XML run as in the text run
    expect(summaries.get('client-check.xml')).toEqual([2, 2]);
    const m = valgrind.metrics(await read(fixture('client-check.xml')));
    // the leaks are the final check's: 40 bytes once
    expect(m).toEqual(metricsOf(summaries.get('client-check.xml')!, 0, 0, { definite: [40, 1], indirect: [0], possible: [0, 0] }));
  });

  it('every class: errors = the <errorcounts> counts + one per loss record of a counted kind; unknown when a counted kind is hidden', async () => {
    const KINDS = ['definite', 'indirect', 'possible', 'reachable'] as const;
    const LEAK = { definite: 'Leak_DefinitelyLost', indirect: 'Leak_IndirectlyLost', possible: 'Leak_PossiblyLost', reachable: 'Leak_StillReachable' };
    const kindSet = fc.subarray([...KINDS]);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 50 }), { maxLength: 5 }),
        fc.array(fc.constantFrom(...KINDS), { maxLength: 6 }),
        kindSet,
        fc.option(kindSet),
        async (counts, records, shown, countedOption) => {
          const counted = countedOption ?? ['definite', 'possible'];
          const list = (kinds: readonly string[]): string => (kinds.length === 0 ? 'none' : kinds.join(','));
          const args = ['--leak-check=full', `--show-leak-kinds=${list(shown)}`, ...(countedOption === null ? [] : [`--errors-for-leak-kinds=${list(countedOption)}`])];
          // Valgrind writes only the records of shown kinds
          const written = records.filter((k) => shown.includes(k));
          const errorsXml = counts.map((_, i) => `<error><unique>0x${i.toString(16)}</unique><tid>1</tid><kind>InvalidRead</kind><what>Invalid read</what></error>\n`).join('');
          const leaksXml = written
            .map((k, i) => `<error><unique>0x${(100 + i).toString(16)}</unique><tid>1</tid><kind>${LEAK[k]}</kind><xwhat><text>8 bytes in 1 blocks</text><leakedbytes>8</leakedbytes><leakedblocks>1</leakedblocks></xwhat></error>\n`)
            .join('');
          const pairs = counts.map((c, i) => `<pair><count>${c}</count><unique>0x${i.toString(16)}</unique></pair>`).join('');
          const text =
            `<?xml version="1.0"?>\n<valgrindoutput><protocolversion>4</protocolversion><protocoltool>memcheck</protocoltool><args><vargv>${args.map((a) => `<arg>${a}</arg>`).join('')}</vargv></args>\n` +
            `<status><state>RUNNING</state></status>\n${errorsXml}<status><state>FINISHED</state></status>\n${leaksXml}<errorcounts>${pairs}</errorcounts>\n</valgrindoutput>\n`;
          const m = valgrind.metrics(await readText(text, 64));
          const hidden = counted.some((k) => !shown.includes(k));
          if (hidden) {
            expect(m.errors).toBeUndefined();
            expect(m['errors.contexts']).toBeUndefined();
          } else {
            const countedRecords = written.filter((k) => counted.includes(k)).length;
            expect(m.errors).toEqual({ value: counts.reduce((a, b) => a + b, 0) + countedRecords });
            expect(m['errors.contexts']).toEqual({ value: counts.length + countedRecords });
          }
          expect(m['errors.unique']).toEqual({ value: counts.length });
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('valgrind: errors by kind and place (failures)', () => {
  it('repeated.c: each counted context with its kind, the first frame in the program, and what happened', async () => {
    const f = valgrind.failures!(await read(fixture('repeated-all-kinds.xml'), 7));
    // the indirect records are shown but not counted as errors: not failures either
    expect(f).toEqual({
      total: 4,
      kept: [
        { suite: 'InvalidRead', name: 'read_past_end', level: 'error', message: 'Invalid read of size 4', file: '/tmp/release-gate-valgrind/repeated.c', line: 12 },
        { suite: 'UninitCondition', name: 'main', level: 'error', message: 'Conditional jump or move depends on uninitialised value(s)', file: '/tmp/release-gate-valgrind/repeated.c', line: 31 },
        // the allocation stack starts in Valgrind's malloc replacement: the first frame of the program is kept
        { suite: 'Leak_DefinitelyLost', name: 'leak_list', level: 'error', message: '96 (32 direct, 64 indirect) bytes in 1 blocks are definitely lost in loss record 3 of 4', file: '/tmp/release-gate-valgrind/repeated.c', line: 17 },
        { suite: 'Leak_PossiblyLost', name: 'main', level: 'error', message: '100 bytes in 1 blocks are possibly lost in loss record 4 of 4', file: '/tmp/release-gate-valgrind/repeated.c', line: 34 },
      ],
      // Valgrind errors have no name that holds across commits: never compared with a base verdict
      identities: [],
      identitiesComplete: false,
    });
  });

  it('keeps the first 100 contexts and counts them all; merges keep counting', async () => {
    const n = 250;
    const errorsXml = Array.from({ length: n }, (_, i) => `<error><unique>0x${i.toString(16)}</unique><tid>1</tid><kind>InvalidWrite</kind><what>Invalid write ${i}${'x'.repeat(1000)}</what><stack><frame><ip>0x1</ip><obj>/usr/lib/libc.so.6</obj><fn>memcpy</fn><dir>/usr/include</dir><file>string.h</file><line>3</line></frame><frame><ip>0x2</ip><fn>f${i}</fn><dir>/src</dir><file>a.c</file><line>${i + 1}</line></frame></stack><auxwhat>aux</auxwhat><stack><frame><ip>0x3</ip><fn>other</fn><dir>/src</dir><file>b.c</file><line>9</line></frame></stack></error>\n`).join('');
    const pairs = Array.from({ length: n }, (_, i) => `<pair><count>2</count><unique>0x${i.toString(16)}</unique></pair>`).join('');
    const text = `<?xml version="1.0"?>\n<valgrindoutput><protocolversion>4</protocolversion><protocoltool>memcheck</protocoltool><args><vargv><arg>--leak-check=full</arg></vargv></args>\n<status><state>FINISHED</state></status>\n${errorsXml}<errorcounts>${pairs}</errorcounts>\n</valgrindoutput>\n`;
    const model = await readText(text, 4096);
    const f = valgrind.failures!(model);
    expect(f.total).toBe(n);
    expect(f.kept).toHaveLength(100);
    expect(f.kept[99]).toMatchObject({ suite: 'InvalidWrite', name: 'f99', file: '/src/a.c', line: 100 });
    expect(f.kept[0]!.message!.length).toBeLessThanOrEqual(300);
    expect(valgrind.metrics(model).errors).toEqual({ value: 2 * n });
    const merged = valgrind.failures!(valgrind.merge([model, model]));
    expect(merged.total).toBe(2 * n);
    expect(merged.kept).toHaveLength(100);
  });
});

describe('valgrind: merge', () => {
  it('sums errors and leaks; a leak kind unknown in one file is unknown in the sum', async () => {
    const [crash, errors, bad] = await Promise.all([
      read(fixture('crash.xml')),
      read(fixture('errors.xml')),
      read(path.join(CONFORMANCE, 'valgrind/valparse/bad.xml')),
    ]);
    expect(valgrind.metrics(valgrind.merge([crash, errors]))).toEqual(metricsOf([6, 4], 3, 1, { definite: [48, 1], indirect: [0, 0], possible: [0, 0] }));
    // bad.xml knows indirect bytes (from its definite records) but not blocks: so does the sum
    expect(valgrind.metrics(valgrind.merge([crash, errors, bad]))).toEqual(metricsOf([10, 8], 5, 2, { definite: [78, 3], indirect: [0], possible: [0, 0] }));
    expect(() => valgrind.merge([])).toThrow(EvidenceError);
  });

  it('declares its metric names and units', () => {
    expect(valgrind.knownMetrics).toEqual({
      errors: null,
      'errors.contexts': null,
      'errors.unique': null,
      fatal_signals: null,
      'leaks.definite.bytes': 'B',
      'leaks.definite.blocks': null,
      'leaks.indirect.bytes': 'B',
      'leaks.indirect.blocks': null,
      'leaks.possible.bytes': 'B',
      'leaks.possible.blocks': null,
    });
  });
});

describe('valgrind: what is not evidence', () => {
  const doc = (body: string, head = '<protocolversion>4</protocolversion>\n<protocoltool>memcheck</protocoltool>\n'): string =>
    `<?xml version="1.0"?>\n<valgrindoutput>\n${head}<args><vargv><exe>/usr/bin/valgrind.bin</exe><arg>--leak-check=full</arg></vargv></args>\n${body}</valgrindoutput>\n`;
  const finished = '<status><state>RUNNING</state></status>\n<status><state>FINISHED</state></status>\n';
  const invalidRead = (unique: string): string => `<error><unique>${unique}</unique><tid>1</tid><kind>InvalidRead</kind><what>Invalid read of size 4</what></error>\n`;

  it('reads a minimal document', async () => {
    const m = valgrind.metrics(await readText(doc(`${finished}${invalidRead('0x0')}<errorcounts><pair><count>5</count><unique>0x0</unique></pair></errorcounts>\n`)));
    expect(m).toEqual(metricsOf([5, 1], 1, 0, { definite: [0, 0], indirect: [0], possible: [0, 0] }));
  });

  it.each([
    ['', /document must contain a root element/],
    ['not xml at all', /text data outside of root node/],
    ['<testsuites/>', /the root element is <testsuites>, expected <valgrindoutput>/],
    ['<?xml version="1.0"?>\n<!DOCTYPE valgrindoutput [<!ENTITY x "boom">]>\n<valgrindoutput>&x;</valgrindoutput>', /undefined entity/],
    ['<?xml version="1.0"?>\n<!DOCTYPE valgrindoutput SYSTEM "file:///etc/passwd">\n<valgrindoutput>&xxe;</valgrindoutput>', /undefined entity/],
    [doc(`${finished}<errorcounts/>\n`, '<protocolversion>4</protocolversion>\n<protocoltool>helgrind</protocoltool>\n'), /the protocol tool is "helgrind", expected "memcheck"/],
    [doc(`${finished}<errorcounts/>\n`, '<protocolversion>3</protocolversion>\n<protocoltool>memcheck</protocoltool>\n'), /protocol version "3" is not supported/],
    [doc('<status><state>RUNNING</state></status>\n<errorcounts/>\n'), /no FINISHED status/],
    [doc(finished), /no <errorcounts>/],
    [doc(`${finished}${invalidRead('0x0')}<errorcounts/>\n`), /error 0x0 \(InvalidRead\) is missing from <errorcounts>/],
    [doc(`${finished}<errorcounts><pair><count>1</count><unique>0x7</unique></pair></errorcounts>\n`), /counts error 0x7, which is not reported/],
    [doc(`${finished}<errorcounts><pair><count>many</count><unique>0x7</unique></pair></errorcounts>\n`), /<count> is "many", not a count/],
    [doc(`${finished}${invalidRead('7')}<errorcounts/>\n`), /<unique> of a InvalidRead error is "7", not a hex number/],
    [doc(`${finished}${invalidRead('0x1')}${invalidRead('0x1')}<errorcounts><pair><count>1</count><unique>0x1</unique></pair></errorcounts>\n`), /error 0x1 is reported twice/],
    [doc(`${finished}<error><unique>0x0</unique></error>\n<errorcounts/>\n`), /an <error> has no <kind>/],
    [doc(`${finished}<error><unique>0x0</unique><kind>Leak_Vanished</kind></error>\n<errorcounts/>\n`), /unknown leak kind Leak_Vanished/],
    [doc(`${finished}<error><unique>0x0</unique><kind>Leak_DefinitelyLost</kind><xwhat><text>8 bytes</text><leakedbytes>lots</leakedbytes><leakedblocks>1</leakedblocks></xwhat></error>\n<errorcounts/>\n`), /<leakedbytes> of a Leak_DefinitelyLost record is "lots"/],
    [doc(`${finished}<error><unique>0x0</unique><kind>Leak_DefinitelyLost</kind><xwhat><text>64 (30 direct, 30 indirect) bytes in 1 blocks are definitely lost</text><leakedbytes>64</leakedbytes><leakedblocks>1</leakedblocks></xwhat></error>\n<errorcounts/>\n`), /does not add up to its 64 leaked bytes/],
    [doc(`${finished}<error><unique>0x0</unique><kind>Invalid<b/>Read</kind></error>\n<errorcounts/>\n`), /unexpected <b> inside a text element/],
    [doc(`${finished}<errorcounts/>\n<error><kind>${'x'.repeat(5000)}</kind></error>\n`), /longer than 4096 characters/],
  ])('%s', async (text, message) => {
    expect((await rejection(readText(text))).message).toMatch(message);
  });

  it('leaves loss records of leak checks made while the program ran out of the leaks, not out of errors', async () => {
    const record = (bytes: number): string =>
      `<error><unique>0x9</unique><tid>1</tid><kind>Leak_DefinitelyLost</kind><xwhat><text>${bytes} bytes in 1 blocks are definitely lost in loss record 1 of 1</text><leakedbytes>${bytes}</leakedbytes><leakedblocks>1</leakedblocks></xwhat></error>\n`;
    const text = doc(`<status><state>RUNNING</state></status>\n${record(100)}<status><state>FINISHED</state></status>\n${record(1000)}<errorcounts/>\n`);
    // both records count in ERROR SUMMARY (client-check.xml below is the real run)
    expect(valgrind.metrics(await readText(text))).toEqual(metricsOf([2, 2], 0, 0, { definite: [1000, 1], indirect: [0], possible: [0, 0] }));
  });

  it('follows --show-leak-kinds, --show-reachable and --show-possibly-lost like Valgrind', async () => {
    const withArgs = (...args: string[]): string =>
      `<?xml version="1.0"?>\n<valgrindoutput><protocolversion>4</protocolversion><protocoltool>memcheck</protocoltool><args><vargv>${args
        .map((a) => `<arg>${a}</arg>`)
        .join('')}</vargv></args>${finished}<errorcounts/></valgrindoutput>`;
    const kinds = async (...args: string[]): Promise<string[]> =>
      Object.keys(valgrind.metrics(await readText(withArgs(...args))))
        .filter((k) => k.endsWith('.bytes'))
        .map((k) => k.split('.')[1]!);
    // indirect bytes are known whenever the definite records are shown (their "(N direct, M indirect)")
    expect(await kinds('--leak-check=full')).toEqual(['definite', 'indirect', 'possible']);
    expect(await kinds('--leak-check=yes', '--show-leak-kinds=all')).toEqual(['definite', 'indirect', 'possible']);
    expect(await kinds('--leak-check=full', '--show-leak-kinds=definite,indirect')).toEqual(['definite', 'indirect']);
    expect(await kinds('--leak-check=full', '--show-leak-kinds=none')).toEqual([]);
    expect(await kinds('--leak-check=full', '--show-reachable=yes')).toEqual(['definite', 'indirect', 'possible']);
    expect(await kinds('--leak-check=full', '--show-possibly-lost=no')).toEqual(['definite', 'indirect']);
    expect(await kinds('--leak-check=full', '--show-leak-kinds=all', '--leak-check=summary')).toEqual([]);
    expect(await kinds()).toEqual([]);
  });

  it('gives the line where a broken document broke', async () => {
    const err = await rejection(readText(doc(`${finished}<errorcounts></errorcount>\n`)));
    expect(err.position?.line).toBe(8);
    expect(err.message).not.toMatch(/cut short/);
  });
});
