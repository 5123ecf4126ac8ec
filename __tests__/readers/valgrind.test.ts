import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EvidenceError } from '../../src/measure.js';
import type { Metrics } from '../../src/measure.js';
import { valgrind, type ValgrindModel } from '../../src/readers/valgrind.js';
import { bytesSource, CONFORMANCE, context, evidenceError, fileSource, FIXTURES, manifest } from '../helpers/evidence.js';

const read = (file: string, chunk = 4096): Promise<ValgrindModel> => valgrind.read(fileSource(file, chunk), context(path.basename(file)));
const readText = (text: string, chunk = 7): Promise<ValgrindModel> => valgrind.read(bytesSource(text, chunk), context('memcheck.xml'));
const fixture = (name: string): string => path.join(FIXTURES, 'valgrind', name);

const rejection = evidenceError;

/** The metrics of a run, with leak kinds given as [bytes, blocks] (absent kinds: not reported). */
function metricsOf(errors: number, unique: number, fatal: number, leaks: Partial<Record<'definite' | 'indirect' | 'possible', [number, number]>>): Metrics {
  const m: Metrics = { errors: { value: errors }, 'errors.unique': { value: unique }, fatal_signals: { value: fatal } };
  for (const kind of ['definite', 'indirect', 'possible'] as const) {
    const l = leaks[kind];
    if (l === undefined) continue;
    m[`leaks.${kind}.bytes`] = { value: l[0], unit: 'B' };
    m[`leaks.${kind}.blocks`] = { value: l[1] };
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
    // --leak-check=full with the default --show-leak-kinds (definite,possible): indirect not reported
    expect(m).toEqual(metricsOf(2, 2, 1, { definite: [0, 0], possible: [0, 0] }));
  });

  // No upstream oracle: numbers read independently with __tests__/fixtures/valgrind/recount.py (Python
  // ElementTree: sum of <errorcounts> counts of the non-leak errors, loss records after the FINISHED
  // status, direct bytes), which also agrees with every real run below.
  it('valparse bad.xml: two errors, two definite leaks after the fatal signal', async () => {
    // <errorcounts>: 0x1 x1, 0x0 x1; Leak_DefinitelyLost 10 B + 20 B in 1 block each; --leak-check=yes
    expect(valgrind.metrics(await read(path.join(CONFORMANCE, 'valgrind/valparse/bad.xml')))).toEqual(
      metricsOf(2, 2, 1, { definite: [30, 2], possible: [0, 0] }),
    );
  });

  it('flowbber memcheck.xml: repeated errors count every occurrence', async () => {
    // <errorcounts>: 0x14 (InvalidFree) x1, 0xa (InvalidRead) x10, 0x0 (InvalidWrite) x10 -> 21 errors
    // from 3 contexts; one Leak_DefinitelyLost of 40 bytes in 1 block
    expect(valgrind.metrics(await read(path.join(CONFORMANCE, 'valgrind/flowbber/memcheck.xml')))).toEqual(
      metricsOf(21, 3, 0, { definite: [40, 1], possible: [0, 0] }),
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
    expect(valgrind.metrics(await read(fixture('clean.xml')))).toEqual(metricsOf(0, 0, 0, { definite: [0, 0], indirect: [0, 0], possible: [0, 0] }));
  });

  it('leaks.c: definite, indirect and possible leaks as in the LEAK SUMMARY', async () => {
    // LEAK SUMMARY: definitely lost: 32 bytes in 1 blocks; indirectly lost: 32 bytes in 1 blocks;
    // possibly lost: 100 bytes in 1 blocks; still reachable: 16 bytes in 1 blocks.
    // The definite loss record says "64 (32 direct, 32 indirect) bytes" and <leakedbytes>64: its
    // indirect part is the indirect record's, counted once.
    // ERROR SUMMARY: 2 errors from 2 contexts = the definite and possible loss records, no other error.
    expect(valgrind.metrics(await read(fixture('leaks.xml')))).toEqual(metricsOf(0, 0, 0, { definite: [32, 1], indirect: [32, 1], possible: [100, 1] }));
  });

  it('leaks.c with the default --show-leak-kinds: indirect leaks are not reported, so not counted', async () => {
    // valgrind --leak-check=full (no --show-leak-kinds): same LEAK SUMMARY, but only the definite and
    // possible loss records are written
    const m = valgrind.metrics(await read(fixture('leaks-default-kinds.xml')));
    expect(m).toEqual(metricsOf(0, 0, 0, { definite: [32, 1], possible: [100, 1] }));
    expect(m['leaks.indirect.bytes']).toBeUndefined();
  });

  it('leaks.c with --leak-check=no: no leak metrics (Valgrind 3.19 still writes the records in XML)', async () => {
    // text mode with --leak-check=no prints no LEAK SUMMARY at all
    expect(valgrind.metrics(await read(fixture('leaks-check-no.xml')))).toEqual(metricsOf(0, 0, 0, {}));
  });

  it('leaks.c given arguments that look like Valgrind options: only <vargv> are Valgrind\'s', async () => {
    // valgrind --tool=memcheck --leak-check=full --xml=yes --xml-file=leaks-program-args.xml \
    //   ./leaks --leak-check=full --show-leak-kinds=all
    // The program's own arguments land in <args><argv>; Valgrind ran with the default
    // --show-leak-kinds (definite,possible). Its text summary of the same run: "indirectly lost: 32
    // bytes in 1 blocks", not reported as a loss record, so leaks.indirect.* must stay unknown (read
    // as Valgrind's options, the program's --show-leak-kinds=all made them 0 and passed "== 0").
    const m = valgrind.metrics(await read(fixture('leaks-program-args.xml')));
    expect(m).toEqual(metricsOf(0, 0, 0, { definite: [32, 1], possible: [100, 1] }));
    expect(valgrind.notes!(await read(fixture('leaks-program-args.xml')))['leaks.indirect.bytes']).toMatch(/indirect leaks were not reported/);
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
    expect(valgrind.metrics(await read(fixture('errors.xml')))).toEqual(metricsOf(4, 2, 0, { definite: [0, 0], indirect: [0, 0], possible: [0, 0] }));
  });

  it('crash.c: the program died of SIGSEGV; Valgrind finished and reported its leak', async () => {
    // "Process terminating with default action of signal 11 (SIGSEGV)"; LEAK SUMMARY: definitely lost:
    // 48 bytes in 1 blocks; ERROR SUMMARY: 2 errors from 2 contexts (the invalid read and the leak)
    expect(valgrind.metrics(await read(fixture('crash.xml')))).toEqual(metricsOf(1, 1, 1, { definite: [48, 1], indirect: [0, 0], possible: [0, 0] }));
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
    expect(valgrind.metrics(await readText(text, 1))).toEqual(metricsOf(0, 0, 0, { definite: [32, 1], indirect: [32, 1], possible: [100, 1] }));
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

describe('valgrind: merge', () => {
  it('sums errors and leaks; a leak kind unknown in one file is unknown in the sum', async () => {
    const [crash, errors, bad] = await Promise.all([
      read(fixture('crash.xml')),
      read(fixture('errors.xml')),
      read(path.join(CONFORMANCE, 'valgrind/valparse/bad.xml')),
    ]);
    expect(valgrind.metrics(valgrind.merge([crash, errors]))).toEqual(metricsOf(5, 3, 1, { definite: [48, 1], indirect: [0, 0], possible: [0, 0] }));
    expect(valgrind.metrics(valgrind.merge([crash, errors, bad]))).toEqual(metricsOf(7, 5, 2, { definite: [78, 3], possible: [0, 0] }));
    expect(() => valgrind.merge([])).toThrow(EvidenceError);
  });

  it('declares its metric names and units', () => {
    expect(valgrind.knownMetrics).toEqual({
      errors: null,
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
    expect(m).toEqual(metricsOf(5, 1, 0, { definite: [0, 0], possible: [0, 0] }));
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

  it('ignores loss records of leak checks made while the program ran', async () => {
    const record = (bytes: number): string =>
      `<error><unique>0x9</unique><tid>1</tid><kind>Leak_DefinitelyLost</kind><xwhat><text>${bytes} bytes in 1 blocks are definitely lost in loss record 1 of 1</text><leakedbytes>${bytes}</leakedbytes><leakedblocks>1</leakedblocks></xwhat></error>\n`;
    const text = doc(`<status><state>RUNNING</state></status>\n${record(100)}<status><state>FINISHED</state></status>\n${record(1000)}<errorcounts/>\n`);
    expect(valgrind.metrics(await readText(text))).toEqual(metricsOf(0, 0, 0, { definite: [1000, 1], possible: [0, 0] }));
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
    expect(await kinds('--leak-check=full')).toEqual(['definite', 'possible']);
    expect(await kinds('--leak-check=yes', '--show-leak-kinds=all')).toEqual(['definite', 'indirect', 'possible']);
    expect(await kinds('--leak-check=full', '--show-leak-kinds=definite,indirect')).toEqual(['definite', 'indirect']);
    expect(await kinds('--leak-check=full', '--show-leak-kinds=none')).toEqual([]);
    expect(await kinds('--leak-check=full', '--show-reachable=yes')).toEqual(['definite', 'indirect', 'possible']);
    expect(await kinds('--leak-check=full', '--show-possibly-lost=no')).toEqual(['definite']);
    expect(await kinds('--leak-check=full', '--show-leak-kinds=all', '--leak-check=summary')).toEqual([]);
    expect(await kinds()).toEqual([]);
  });

  it('gives the line where a broken document broke', async () => {
    const err = await rejection(readText(doc(`${finished}<errorcounts></errorcount>\n`)));
    expect(err.position?.line).toBe(8);
    expect(err.message).not.toMatch(/cut short/);
  });
});
