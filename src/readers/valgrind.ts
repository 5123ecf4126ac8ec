import { EvidenceError } from '../measure.js';
import type { Metrics } from '../measure.js';
import type { ByteSource, FailureItem, Failures, Format } from './types.js';
import { parseXml } from './xml.js';

/**
 * Valgrind Memcheck `--xml=yes` output (XML protocol 4), streamed.
 *
 * - `errors`: the "N errors" of Valgrind's own "ERROR SUMMARY: N errors from M contexts", and
 *   `errors.contexts` its M. Valgrind reports each distinct non-leak error (context) once as an
 *   `<error>` and counts its repeats in `<errorcounts>`: those counts add up. Each loss record of a
 *   kind in `--errors-for-leak-kinds` (default definite,possible) is one more error and context,
 *   whether it comes from the final leak check or one the program requested while it ran. In XML
 *   mode Valgrind 3.19 runs the full leak check whatever `--leak-check` says, so the loss records in
 *   the file are the ones it counted: unless a counted kind is not shown (`--show-leak-kinds`
 *   leaves out a kind `--errors-for-leak-kinds` has, e.g. `--show-leak-kinds=definite`). Valgrind
 *   still counts that kind's records but writes none, so `errors` and `errors.contexts` are then
 *   unknown: absent, with a note. (`errors` used to leave the loss records out.)
 *   `errors.unique` is the number of distinct non-leak errors (M without loss records).
 *   A crash does not change them: Valgrind reports the errors seen until the program died.
 * - `leaks.{definite,indirect,possible}.{bytes,blocks}`: the loss records (`Leak_*` errors) of the
 *   final leak check, the one after the FINISHED status, as Valgrind's LEAK SUMMARY counts them. A
 *   loss record's `<leakedbytes>` includes the blocks it indirectly leaks ("64 (32 direct, 32 indirect)
 *   bytes in 1 blocks are definitely lost"); only its direct bytes count in its kind, the indirect ones
 *   are the Leak_IndirectlyLost records'. When indirect loss records are not shown (the default
 *   --show-leak-kinds), `leaks.indirect.bytes` is the sum of those "M indirect" parts of the
 *   final shown records; their block count is in no record, so `leaks.indirect.blocks` stays absent.
 *   Loss records of client-requested leak checks made while the program ran are not counted.
 *   A leak kind's metrics exist only when that kind was reported: the run's `--leak-check` was full
 *   (or yes), and `--show-leak-kinds` (default definite,possible; --show-reachable and
 *   --show-possibly-lost honoured) included it. Otherwise they are absent, never zero.
 * - `fatal_signals`: `<fatal_signal>` blocks: the program died of a signal (Valgrind itself finished
 *   and still reported errors and leaks).
 *
 * Not evidence (EvidenceError): anything but a Memcheck protocol-4 document, and a document that is
 * cut short (no closing `</valgrindoutput>`: Valgrind or the machine died, so "0 leaks" would be a
 * guess), or that has no FINISHED status or no `<errorcounts>`.
 */
export interface ValgrindModel {
  /** ERROR SUMMARY's N; undefined when a counted leak kind was not shown */
  errors?: number;
  /** ERROR SUMMARY's M, likewise */
  contexts?: number;
  uniqueErrors: number;
  /** the counted leak kinds that were not shown, when errors is unknown */
  unshownCountedKinds?: string[];
  fatalSignals: number;
  leaks: Partial<Record<LeakKind, { bytes: number; blocks?: number }>>;
  /** the errors by kind and place: the first FAILURES_KEPT contexts, and how many there are */
  failing: FailureItem[];
  failingTotal: number;
}

/** Error contexts kept by name and place (the counts are always exact). */
const FAILURES_KEPT = 100;
/** Longest message or name kept for one. */
const FAILURE_TEXT = 300;

type LeakKind = 'definite' | 'indirect' | 'possible';
const LEAK_KINDS: readonly LeakKind[] = ['definite', 'indirect', 'possible'];
const LEAK_ERROR_KINDS: Partial<Record<string, LeakKind | 'reachable'>> = {
  Leak_DefinitelyLost: 'definite',
  Leak_IndirectlyLost: 'indirect',
  Leak_PossiblyLost: 'possible',
  Leak_StillReachable: 'reachable',
};

/** Longest text kept from one element: every element read here holds a short word or number. */
const MAX_TEXT = 4096;

interface ErrorRecord {
  unique?: string;
  kind?: string;
  text?: string;
  leakedBytes?: string;
  leakedBlocks?: string;
  /** reported after the FINISHED status (the final leak check) */
  afterFinish: boolean;
  /** `<what>` (non-leak errors) */
  what?: string;
  /** the first frame of the first stack with a file and line outside the system and Valgrind */
  place?: { fn?: string; file: string; line: number };
  /** inside the first <stack> */
  inFirstStack?: boolean;
  sawStack?: boolean;
  frame?: { fn?: string; dir?: string; file?: string; line?: string };
}

/** Frames in system headers and libraries or in Valgrind's own replacement functions. */
const NOT_THE_PROGRAM = /^(?:\/usr\/|\/lib|\/build\/|\/builddir\/)|(?:^|\/)vg_replace_\w+\.c$/;

/**
 * The leak kinds a run reports, from its Valgrind options (`<args><vargv>`). The tested program's
 * own arguments (`<args><argv>`) are not Valgrind's, whatever they look like: `./prog
 * --leak-check=full` must not make a summary-only run's leak kinds look reported.
 */
function leakOptions(args: string[]): { reported: Set<LeakKind> | undefined; shown: Set<string>; counted: Set<string> } {
  let leakCheck = 'summary';
  let shown = new Set<string>(['definite', 'possible']);
  let counted = new Set<string>(['definite', 'possible']);
  const all = ['definite', 'indirect', 'possible', 'reachable'];
  for (const arg of args) {
    const eq = arg.indexOf('=');
    if (eq === -1) continue;
    const name = arg.slice(0, eq);
    const value = arg.slice(eq + 1);
    if (name === '--leak-check') leakCheck = value;
    else if (name === '--show-leak-kinds') {
      shown = new Set(value === 'all' ? all : value === 'none' ? [] : value.split(','));
    } else if (name === '--show-reachable') {
      if (value === 'yes') shown = new Set(all);
      else shown.delete('reachable');
    } else if (name === '--show-possibly-lost') {
      if (value === 'yes') shown.add('possible');
      else shown.delete('possible');
    } else if (name === '--errors-for-leak-kinds') {
      counted = new Set(value === 'all' ? all : value === 'none' ? [] : value.split(','));
    }
  }
  // In XML mode Valgrind 3.19 reports loss records even for --leak-check=summary or no, but its text
  // mode does not, and older versions are not known to: only an explicit full check is trusted.
  const reported = leakCheck !== 'full' && leakCheck !== 'yes' ? undefined : new Set(LEAK_KINDS.filter((k) => shown.has(k)));
  return { reported, shown, counted };
}

function integer(raw: string | undefined, what: string, hex = false): number {
  const text = raw?.trim() ?? '';
  const ok = hex ? /^0x[0-9a-fA-F]+$/.test(text) : /^\d+$/.test(text);
  const value = ok ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value)) throw new EvidenceError(`Valgrind output: ${what} is ${JSON.stringify(raw ?? null)}, not ${hex ? 'a hex number' : 'a count'}`);
  return value;
}

/** The direct and indirect bytes of a loss record, from "64 (32 direct, 32 indirect) bytes in 1 blocks are ...". */
function splitBytes(record: ErrorRecord, leaked: number): { direct: number; indirect: number } {
  const split = /\(([\d,]+) direct, ([\d,]+) indirect\)/.exec(record.text ?? '');
  if (split === null) return { direct: leaked, indirect: 0 };
  const direct = Number(split[1]!.replaceAll(',', ''));
  const indirect = Number(split[2]!.replaceAll(',', ''));
  if (direct + indirect !== leaked) {
    throw new EvidenceError(`Valgrind output: loss record ${JSON.stringify(record.text)} does not add up to its ${leaked} leaked bytes`);
  }
  return { direct, indirect };
}

function clipText(text: string | undefined): string | undefined {
  const line = text?.trim().split(/\r?\n/, 1)[0]?.trim();
  if (line === undefined || line === '') return undefined;
  return line.length > FAILURE_TEXT ? `${line.slice(0, FAILURE_TEXT - 1)}…` : line;
}

/** An error context by kind and place, as a PR reader sees it. */
function failureOf(record: ErrorRecord, kind: string): FailureItem {
  const item: FailureItem = { suite: kind, name: clipText(record.place?.fn) ?? kind, level: 'error' };
  const message = clipText(kind.startsWith('Leak_') ? record.text : (record.what ?? record.text));
  if (message !== undefined) item.message = message;
  if (record.place !== undefined) {
    item.file = clipText(record.place.file);
    item.line = record.place.line;
  }
  return item;
}

/** Passes the chunks through and notes when the input ended, to tell "cut short" from "broken". */
function watchEnd(input: ByteSource): { source: ByteSource; ended: () => boolean } {
  let done = false;
  return {
    source: (async function* () {
      for await (const chunk of input) yield chunk;
      done = true;
    })(),
    ended: () => done,
  };
}

async function read(input: ByteSource, maxDepth: number): Promise<ValgrindModel> {
  let protocolVersion: string | undefined;
  let protocolTool: string | undefined;
  let finished = false;
  let sawErrorCounts = false;
  let rootClosed = false;
  let fatalSignals = 0;
  const args: string[] = [];
  const counts = new Map<number, number>();
  /** loss records that are in the file, by kind (all of them, before and after FINISHED) */
  const lossRecords = new Map<string, number>();
  const failing: FailureItem[] = [];
  let failingTotal = 0;
  /** the indirect parts of the final loss records ("(32 direct, 64 indirect)") */
  let indirectInRecords = 0;
  // the leak options are in <args>, before any error: known by the time records are read
  let options: ReturnType<typeof leakOptions> | undefined;
  const leakOptionsOf = (): ReturnType<typeof leakOptions> => (options ??= leakOptions(args));
  const keep = (record: ErrorRecord, kind: string): void => {
    failingTotal++;
    if (failing.length < FAILURES_KEPT) failing.push(failureOf(record, kind));
  };
  /** non-leak errors by unique id, with their kind */
  const reported = new Map<number, string>();
  const totals: Record<LeakKind, { bytes: number; blocks: number }> = {
    definite: { bytes: 0, blocks: 0 },
    indirect: { bytes: 0, blocks: 0 },
    possible: { bytes: 0, blocks: 0 },
  };

  const endError = (record: ErrorRecord): void => {
    const kind = record.kind;
    if (kind === undefined || kind === '') throw new EvidenceError('Valgrind output: an <error> has no <kind>');
    if (kind.startsWith('Leak_')) {
      const leakKind = LEAK_ERROR_KINDS[kind];
      if (leakKind === undefined) throw new EvidenceError(`Valgrind output: unknown leak kind ${kind}`);
      const bytes = integer(record.leakedBytes, `the <leakedbytes> of a ${kind} record`);
      const blocks = integer(record.leakedBlocks, `the <leakedblocks> of a ${kind} record`);
      const { direct, indirect } = splitBytes(record, bytes);
      lossRecords.set(leakKind, (lossRecords.get(leakKind) ?? 0) + 1);
      if (leakOptionsOf().counted.has(leakKind)) keep(record, kind);
      if (leakKind === 'reachable' || !record.afterFinish) return;
      totals[leakKind].bytes += direct;
      totals[leakKind].blocks += blocks;
      indirectInRecords += indirect;
      return;
    }
    keep(record, kind);
    const unique = integer(record.unique, `the <unique> of a ${kind} error`, true);
    if (reported.has(unique)) throw new EvidenceError(`Valgrind output: error ${record.unique?.trim()} is reported twice`);
    reported.set(unique, kind);
  };

  // the element whose text is being collected, and the text so far
  let capture: ((text: string) => void) | undefined;
  let buffer = '';
  let current: ErrorRecord | undefined;
  let pair: { count?: string; unique?: string } | undefined;
  let inStatus = false;
  let inArgs = false;
  /** inside <args><vargv>: Valgrind's own options (<argv> holds the tested program's) */
  let inVargv = false;
  let inErrorCounts = false;
  let inXwhat = false;
  let rootOpened = false;

  const collect = (store: (text: string) => void): void => {
    capture = store;
    buffer = '';
  };

  const watched = watchEnd(input);
  try {
    await parseXml(
      watched.source,
      {
        open(name, _attributes, depth) {
          if (depth === 1) {
            if (name !== 'valgrindoutput') throw new EvidenceError(`not Valgrind XML output: the root element is <${name}>, expected <valgrindoutput>`);
            rootOpened = true;
            return;
          }
          if (capture !== undefined) throw new EvidenceError(`Valgrind output: unexpected <${name}> inside a text element`);
          if (depth === 2) {
            if (name === 'protocolversion') collect((t) => (protocolVersion = t.trim()));
            else if (name === 'protocoltool') collect((t) => (protocolTool = t.trim()));
            else if (name === 'error') current = { afterFinish: finished };
            else if (name === 'errorcounts') {
              sawErrorCounts = true;
              inErrorCounts = true;
            }
            else if (name === 'fatal_signal') fatalSignals++;
            else if (name === 'status') inStatus = true;
            else if (name === 'args') inArgs = true;
            return;
          }
          if (current !== undefined) {
            const record = current;
            if (depth === 3 && name === 'unique') collect((t) => (record.unique = t));
            else if (depth === 3 && name === 'kind') collect((t) => (record.kind = t.trim()));
            else if (depth === 3 && name === 'what') collect((t) => (record.what = t));
            else if (depth === 3 && name === 'xwhat') inXwhat = true;
            else if (depth === 3 && name === 'stack') {
              record.inFirstStack = record.sawStack !== true;
              record.sawStack = true;
            } else if (record.inFirstStack && record.place === undefined && depth === 4 && name === 'frame') record.frame = {};
            else if (record.frame !== undefined && depth === 5 && (name === 'fn' || name === 'dir' || name === 'file' || name === 'line')) {
              const frame = record.frame;
              collect((t) => (frame[name] = t.trim()));
            }
            else if (inXwhat && depth === 4 && name === 'text') collect((t) => (record.text = t));
            else if (inXwhat && depth === 4 && name === 'leakedbytes') collect((t) => (record.leakedBytes = t));
            else if (inXwhat && depth === 4 && name === 'leakedblocks') collect((t) => (record.leakedBlocks = t));
          } else if (inStatus && depth === 3 && name === 'state') {
            collect((t) => {
              if (t.trim() === 'FINISHED') finished = true;
            });
          } else if (inArgs && depth === 3 && name === 'vargv') {
            inVargv = true;
          } else if (inVargv && depth === 4 && name === 'arg') {
            collect((t) => args.push(t.trim()));
          } else if (inErrorCounts && depth === 3 && name === 'pair') {
            pair = {};
          } else if (pair !== undefined && depth === 4 && (name === 'count' || name === 'unique')) {
            const target = pair;
            collect((t) => (target[name] = t));
          }
        },
        close(name, depth) {
          if (capture !== undefined) {
            capture(buffer);
            capture = undefined;
            buffer = '';
            return;
          }
          if (depth === 1) rootClosed = true;
          else if (depth === 2) {
            if (current !== undefined) endError(current);
            current = undefined;
            inStatus = false;
            inArgs = false;
            inVargv = false;
            inErrorCounts = false;
          } else if (depth === 3 && name === 'xwhat') {
            inXwhat = false;
          } else if (depth === 3 && name === 'stack' && current !== undefined) {
            current.inFirstStack = false;
          } else if (depth === 4 && name === 'frame' && current?.frame !== undefined) {
            const { fn, dir, file, line } = current.frame;
            current.frame = undefined;
            const path = file === undefined || file === '' ? undefined : dir !== undefined && dir !== '' && !file.startsWith('/') ? `${dir}/${file}` : file;
            const number = line !== undefined && /^\d+$/.test(line) ? Number(line) : undefined;
            if (path !== undefined && number !== undefined && number > 0 && !NOT_THE_PROGRAM.test(path)) current.place = { fn, file: path, line: number };
          } else if (depth === 3 && name === 'vargv') {
            inVargv = false;
          } else if (depth === 3 && name === 'pair' && pair !== undefined) {
            const unique = integer(pair.unique, 'an <errorcounts> pair\'s <unique>', true);
            const count = integer(pair.count, 'an <errorcounts> pair\'s <count>');
            if (counts.has(unique)) throw new EvidenceError(`Valgrind output: <errorcounts> lists error ${pair.unique} twice`);
            counts.set(unique, count);
            pair = undefined;
          }
        },
        text(text) {
          if (capture === undefined) return;
          buffer += text;
          if (buffer.length > MAX_TEXT) throw new EvidenceError(`Valgrind output: an element's text is longer than ${MAX_TEXT} characters`);
        },
      },
      maxDepth,
    );
  } catch (err) {
    if (err instanceof EvidenceError && watched.ended() && rootOpened && !rootClosed) {
      throw new EvidenceError(
        `Valgrind output is cut short (no closing </valgrindoutput>): Valgrind did not finish (crashed, killed or out of space), so the run is not evidence of its errors or leaks [${err.message}]`,
        err.position,
      );
    }
    throw err;
  }

  if (protocolTool !== 'memcheck') {
    throw new EvidenceError(`not Memcheck output: the protocol tool is ${JSON.stringify(protocolTool ?? null)}, expected "memcheck"`);
  }
  if (protocolVersion !== '4') throw new EvidenceError(`Valgrind XML protocol version ${JSON.stringify(protocolVersion ?? null)} is not supported (4 is read)`);
  if (!finished) throw new EvidenceError('Valgrind output has no FINISHED status: the run did not complete');
  if (!sawErrorCounts) throw new EvidenceError('Valgrind output has no <errorcounts>: the run did not complete');

  let nonLeakErrors = 0;
  for (const [unique, kind] of reported) {
    const count = counts.get(unique);
    if (count === undefined) throw new EvidenceError(`Valgrind output: error 0x${unique.toString(16)} (${kind}) is missing from <errorcounts>`);
    nonLeakErrors += count;
  }
  for (const unique of counts.keys()) {
    if (!reported.has(unique)) throw new EvidenceError(`Valgrind output: <errorcounts> counts error 0x${unique.toString(16)}, which is not reported`);
  }
  const { reported: reportedKinds, shown, counted } = leakOptionsOf();
  // only the kinds this run reported in full have numbers; the others are unknown, not zero
  const leaks: ValgrindModel['leaks'] = {};
  for (const kind of reportedKinds ?? []) leaks[kind] = totals[kind];
  // no indirect records shown: their bytes are the indirect parts of the definite records
  if (reportedKinds?.has('definite') && !reportedKinds.has('indirect')) leaks.indirect = { bytes: indirectInRecords };
  const model: ValgrindModel = { uniqueErrors: reported.size, fatalSignals, leaks, failing, failingTotal };
  const unshown = [...counted].filter((k) => !shown.has(k)).sort();
  if (unshown.length > 0) model.unshownCountedKinds = unshown;
  else {
    let countedRecords = 0;
    for (const [kind, n] of lossRecords) if (counted.has(kind)) countedRecords += n;
    model.errors = nonLeakErrors + countedRecords;
    model.contexts = reported.size + countedRecords;
  }
  return model;
}

const unknownErrors = (kinds: string[]): string =>
  `Valgrind counted the ${kinds.join(' and ')} loss records as errors (--errors-for-leak-kinds) but did not write them (--show-leak-kinds), ` +
  'so its ERROR SUMMARY cannot be read from the XML: show every kind it counts (e.g. --show-leak-kinds=all), or count fewer with --errors-for-leak-kinds';

export const valgrind: Format<ValgrindModel> = {
  name: 'valgrind',
  read: (input, ctx) => read(input, ctx.limits.nestingDepth),
  merge(models) {
    if (models.length === 0) throw new EvidenceError('no Valgrind output to combine');
    const sum: ValgrindModel = { errors: 0, contexts: 0, uniqueErrors: 0, fatalSignals: 0, leaks: {}, failing: [], failingTotal: 0 };
    for (const kind of LEAK_KINDS) {
      // a kind one file did not report is unknown for the whole set, not zero
      if (models.every((m) => m.leaks[kind] !== undefined)) sum.leaks[kind] = { bytes: 0, blocks: 0 };
    }
    const unshown = new Set<string>();
    for (const m of models) {
      for (const k of m.unshownCountedKinds ?? []) unshown.add(k);
      if (m.errors !== undefined && sum.errors !== undefined) sum.errors += m.errors;
      if (m.contexts !== undefined && sum.contexts !== undefined) sum.contexts += m.contexts;
      sum.uniqueErrors += m.uniqueErrors;
      sum.fatalSignals += m.fatalSignals;
      sum.failingTotal += m.failingTotal;
      for (const f of m.failing) if (sum.failing.length < FAILURES_KEPT) sum.failing.push(f);
      for (const kind of LEAK_KINDS) {
        const total = sum.leaks[kind];
        const part = m.leaks[kind];
        if (total === undefined || part === undefined) continue;
        total.bytes += part.bytes;
        // blocks known in one file only (indirect read from the definite records) are unknown in all
        total.blocks = total.blocks === undefined || part.blocks === undefined ? undefined : total.blocks + part.blocks;
      }
    }
    if (unshown.size > 0) {
      sum.unshownCountedKinds = [...unshown].sort();
      delete sum.errors;
      delete sum.contexts;
    }
    for (const kind of LEAK_KINDS) if (sum.leaks[kind]?.blocks === undefined) delete sum.leaks[kind]?.blocks;
    return sum;
  },
  metrics(m): Metrics {
    const metrics: Metrics = {};
    if (m.errors !== undefined) metrics.errors = { value: m.errors };
    if (m.contexts !== undefined) metrics['errors.contexts'] = { value: m.contexts };
    metrics['errors.unique'] = { value: m.uniqueErrors };
    metrics.fatal_signals = { value: m.fatalSignals };
    for (const kind of LEAK_KINDS) {
      const leak = m.leaks[kind];
      if (leak === undefined) continue;
      metrics[`leaks.${kind}.bytes`] = { value: leak.bytes, unit: 'B' };
      if (leak.blocks !== undefined) metrics[`leaks.${kind}.blocks`] = { value: leak.blocks };
    }
    return metrics;
  },
  notes(m): Record<string, string> {
    const notes: Record<string, string> = {};
    if (m.unshownCountedKinds !== undefined) {
      notes.errors = unknownErrors(m.unshownCountedKinds);
      notes['errors.contexts'] = notes.errors;
    }
    for (const kind of LEAK_KINDS) {
      const leak = m.leaks[kind];
      if (leak !== undefined && leak.blocks !== undefined) continue;
      if (leak !== undefined) {
        notes[`leaks.${kind}.blocks`] =
          `${kind} loss records were not shown: their bytes are read from the "(N direct, M indirect)" of the definite records, which give no block count; run Valgrind with ${kind} in --show-leak-kinds`;
        continue;
      }
      const why = `${kind} leaks were not reported: run Valgrind with --leak-check=full and ${kind} in --show-leak-kinds`;
      notes[`leaks.${kind}.bytes`] = why;
      notes[`leaks.${kind}.blocks`] = why;
    }
    return notes;
  },
  failures(m): Failures {
    // no identities: an error's frames and addresses are not a name that holds across commits, so
    // errors are never compared with a base verdict (incomplete whenever there are any)
    return { kept: m.failing, total: m.failingTotal, identities: [], identitiesComplete: m.failingTotal === 0 };
  },
  knownMetrics: {
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
  },
};
