/**
 * Policy-named metrics shared by the json, yaml and text formats.
 *
 * A named metric the evidence cannot provide is ABSENT from `metrics` (the gate reports it as no
 * evidence, which never passes) and the reason is kept in the model's `notes`, keyed by metric
 * name; `namedMetricNotes(model)` exposes them to the verdict.
 *
 * `path` metrics (json, yaml) use RFC 9535 JSONPath: the path must select exactly one node and
 * that node must be a finite number, or a string holding a plain decimal number ("12.5", "-3",
 * "1e3"; no thousands separators, units, spaces, hex, "NaN" or "Infinity"). Zero, several or
 * non-numeric selections leave the metric absent with a note.
 */
import { query, type JsonValue } from 'jsonpath-rfc9535';
import parseJsonPath from 'jsonpath-rfc9535/parser';
import { EvidenceError, type Metric, type Metrics, type Unit } from '../measure.js';
import type { ByteSource, Format, NamedMetricSpec, ReadContext } from './types.js';

/** Per-metric reasons for named metrics that are absent, keyed by metric name. */
export type MetricNotes = Record<string, string>;

/** The reasons why named metrics are absent from `format.metrics(model)`; {} when none. */
export function namedMetricNotes(model: { notes?: MetricNotes }): MetricNotes {
  return { ...model.notes };
}

/** Builds a record from entries without ever touching a prototype (`__proto__` stays a key). */
export function record<V>(entries: Iterable<readonly [string, V]>): Record<string, V> {
  return Object.fromEntries(entries) as Record<string, V>;
}

export function metric(value: number, unit: Unit | undefined): Metric {
  return unit === undefined ? { value } : { value, unit };
}

const PLAIN_DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A plain decimal number ("12.5", "-3", "1e3") as a finite number, else undefined. */
export function parsePlainDecimal(text: string): number | undefined {
  if (!PLAIN_DECIMAL.test(text)) return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

/** Describes a spec for messages: `path "$.a"`, `count "x"`, `capture "y"`. */
export function describeSpec(spec: NamedMetricSpec): string {
  const kinds = (['path', 'count', 'capture'] as const).filter((k) => spec[k] !== undefined);
  return kinds.length === 0 ? 'no path, count or capture' : kinds.map((k) => `${k} ${JSON.stringify(spec[k])}`).join(' and ');
}

// ---------------------------------------------------------------------------------------------
// JSONPath

/**
 * RFC 9535 match() and search() run the host's backtracking RegExp engine over evidence strings
 * (the library compiles them with `new RegExp`): a hostile string could make a policy pattern
 * take exponential time. They are refused; select by name, index or comparison instead.
 */
const REFUSED_FUNCTIONS = new Set(['match', 'search']);
/** The other RFC 9535 functions; the library silently treats unknown ones as false. */
const KNOWN_FUNCTIONS = new Set(['length', 'count', 'value']);

/**
 * Checks a policy's JSONPath. Returns an error message, or undefined when the path is usable.
 * The policy loader calls this to reject bad policies before any evidence is read.
 */
export function compilePolicyPath(source: string): string | undefined {
  if (typeof source !== 'string') return 'a JSONPath must be a string';
  let ast: unknown;
  try {
    ast = parseJsonPath(source);
  } catch (err) {
    return `invalid JSONPath ${JSON.stringify(source)}: ${err instanceof Error ? err.message : String(err)}`;
  }
  // walk the AST iteratively, looking for refused function extensions
  const pending: unknown[] = [ast];
  while (pending.length > 0) {
    const node = pending.pop();
    if (node === null || typeof node !== 'object') continue;
    if (Array.isArray(node)) {
      pending.push(...(node as unknown[]));
      continue;
    }
    const n = node as Record<string, unknown>;
    if (n.type === 'FunctionExpr' && typeof n.name === 'string' && REFUSED_FUNCTIONS.has(n.name)) {
      return `JSONPath ${JSON.stringify(source)} uses ${n.name}(), which runs a backtracking regex engine on evidence text; select by name, index or comparison instead`;
    }
    if (n.type === 'FunctionExpr' && !KNOWN_FUNCTIONS.has(String(n.name))) {
      return `JSONPath ${JSON.stringify(source)} uses unknown function ${String(n.name)}(); RFC 9535 defines length(), count() and value()`;
    }
    for (const value of Object.values(n)) pending.push(value);
  }
  return undefined;
}

/** The named `path` metrics of a read context; throws Error (a policy bug) for any other kind. */
function pathSpecs(format: string, ctx: ReadContext): [string, string, Unit | undefined][] {
  const specs: [string, string, Unit | undefined][] = [];
  for (const [name, spec] of Object.entries(ctx.metrics)) {
    if (spec.path === undefined || spec.count !== undefined || spec.capture !== undefined) {
      throw new Error(`format ${format} reads only \`path\` metrics; metric "${name}" has ${describeSpec(spec)}`);
    }
    const problem = compilePolicyPath(spec.path);
    if (problem !== undefined) throw new Error(`metric "${name}": ${problem}`);
    specs.push([name, spec.path, spec.unit]);
  }
  return specs;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null, not a number';
  if (Array.isArray(value)) return 'an array, not a number';
  switch (typeof value) {
    case 'string':
      return 'a string that is not a plain decimal number';
    case 'number':
      return 'a number that is not finite';
    case 'boolean':
      return 'a boolean, not a number';
    case 'object':
      return 'an object, not a number';
    default:
      return `a value of type ${typeof value}, not a number`;
  }
}

type Selection = { value: number } | { note: string };

/** Evaluates one path against a document: exactly one finite number (or plain decimal string). */
export function selectNumber(doc: unknown, path: string): Selection {
  const nodes = query(doc as JsonValue, path);
  if (nodes.length === 0) return { note: `${path} selects nothing` };
  if (nodes.length > 1) return { note: `${path} selects ${nodes.length} values; make it select one` };
  const node: unknown = nodes[0];
  if (typeof node === 'number' && Number.isFinite(node)) return { value: node };
  if (typeof node === 'string') {
    const value = parsePlainDecimal(node);
    if (value !== undefined) return { value };
  }
  return { note: `${path} selects ${describeValue(node)}` };
}

/** The model of the json and yaml formats: the named metrics of one document, or of none. */
export interface PathModel {
  /** the evidence files this model came from (one, or none for an empty merge) */
  files: string[];
  metrics: Metrics;
  /** reasons for absent named metrics, keyed by metric name (see namedMetricNotes) */
  notes?: MetricNotes;
}

export function evaluatePaths(doc: unknown, specs: [string, string, Unit | undefined][], file: string): PathModel {
  const metrics: [string, Metric][] = [];
  const notes: [string, string][] = [];
  for (const [name, path, unit] of specs) {
    const selected = selectNumber(doc, path);
    if ('value' in selected) metrics.push([name, metric(selected.value, unit)]);
    else notes.push([name, selected.note]);
  }
  return { files: [file], metrics: record(metrics), notes: record(notes) };
}

/**
 * A whole-document format whose named metrics are JSONPath `path`s. `readDocument` reads the
 * (bounded) document into plain data, enforcing the size and nesting caps itself.
 */
export function pathFormat(name: string, readDocument: (input: ByteSource, ctx: ReadContext) => Promise<unknown>): Format<PathModel> {
  return {
    name,
    namedMetrics: 'path',
    async read(input: ByteSource, ctx: ReadContext): Promise<PathModel> {
      // policy problems are reported before reading a byte
      const specs = pathSpecs(name, ctx);
      const doc = await readDocument(input, ctx);
      return evaluatePaths(doc, specs, ctx.name);
    },
    merge(models: PathModel[]): PathModel {
      if (models.length === 1) return models[0] as PathModel;
      if (models.length === 0) return { files: [], metrics: {}, notes: {} };
      // with no path metric named (only `files` is expected) several well-formed files are fine
      const named = models.some((m) => Object.keys(m.metrics).length > 0 || Object.keys(m.notes ?? {}).length > 0);
      if (!named) return { files: models.flatMap((m) => m.files), metrics: {}, notes: {} };
      throw new EvidenceError(
        `${models.length} files matched; a \`path\` metric needs exactly one file — narrow the evidence path`,
      );
    },
    metrics(model: PathModel): Metrics {
      return model.metrics;
    },
    notes: namedMetricNotes,
  };
}

// ---------------------------------------------------------------------------------------------
// positions and structure

function isContainer(value: unknown): value is object {
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return true;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === null || proto === Object.prototype;
}

/**
 * Walks plain data (arrays and plain objects, the only containers JSONPath descends into)
 * iteratively: rejects nesting deeper than `maxDepth`, cycles, and more than `maxNodes` visited
 * nodes (shared subtrees, as YAML aliases make them, count once per appearance).
 */
export function checkStructure(root: unknown, maxDepth: number, maxNodes: number, what: string): void {
  // stack of [value, depth]; ancestors tracked with an exit marker
  const EXIT = Symbol('exit');
  const stack: [unknown, number][] = [[root, 0]];
  const ancestors = new Set<object>();
  let nodes = 0;
  while (stack.length > 0) {
    const [value, depth] = stack.pop() as [unknown, number];
    if (value === EXIT) {
      ancestors.delete(stack.pop()?.[0] as object);
      continue;
    }
    if (++nodes > maxNodes) {
      throw new EvidenceError(`${what} expands to more than ${maxNodes} values (aliases repeat too much)`);
    }
    if (!isContainer(value)) continue;
    if (depth + 1 > maxDepth) {
      throw new EvidenceError(`${what} nesting is deeper than ${maxDepth} levels (LIMITS.nestingDepth)`);
    }
    if (ancestors.has(value)) throw new EvidenceError(`${what} contains itself (a recursive alias)`);
    ancestors.add(value);
    stack.push([value, depth], [EXIT, depth]);
    const children: unknown[] = Array.isArray(value) ? value : Object.values(value);
    for (const child of children) stack.push([child, depth + 1]);
  }
}
