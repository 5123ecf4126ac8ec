/**
 * format: yaml — one YAML document, read whole (LIMITS.wholeDocumentBytes), with policy-named
 * `path` metrics evaluated exactly as for json (named.ts).
 *
 * Hostile-input rules:
 * - the CST (built by the `yaml` package's iterative parser) is walked iteratively and nesting
 *   deeper than LIMITS.nestingDepth is refused before the recursive composer runs;
 * - aliases are expanded with `maxAliasCount: 100` (the alias-bomb guard of the `yaml` package),
 *   the expanded data is walked again for depth, recursive aliases (cycles) and an expansion cap
 *   (the document's length in characters + 1,000,000 values), so an anchor repeated a million
 *   times cannot make path evaluation quadratic;
 * - the `yaml` package resolves each alias by scanning every anchor and alias before it
 *   (quadratic): documents where aliases × (aliases + anchors) exceeds YAML_ALIAS_WORK are refused;
 * - duplicate keys are errors (a gate must not pick one of two values silently), checked here
 *   with a Set per map because the package's own `uniqueKeys` check is quadratic in the map size;
 *   non-scalar keys (`stringKeys`) and alias keys are errors too;
 * - a stream must hold exactly one document: zero or several is an EvidenceError;
 * - the `yaml` package spends 1-4 KB per node (CST, document and data; measured: 3.7 KB per
 *   `key: value` line) and lexes dense input at about 1 MB/s: before it runs, the document's lines
 *   and flow indicators (`{`, `[`, `,`: every node needs one of them, a block node its line) are
 *   counted in one pass over the bytes, and more than LIMITS.documentValues / 16 of them, plus one
 *   per YAML_BYTES_PER_VALUE bytes, is refused, so that memory stays within about 4x the file plus
 *   100 MB (a 20 MB file of `- {}` lines crashed the heap; it is now refused in a fraction of a
 *   second). YAML evidence is small (summaries); a large document is read as JSON.
 * Always the YAML 1.2 core schema, even under a %YAML 1.1 directive: no merge keys (`<<` is an
 * ordinary key), no sexagesimal or 1.1 octal numbers; `.inf`/`.nan` are not finite numbers.
 */
import { Composer, isAlias, isMap, isPair, isScalar, isSeq, LineCounter, Parser, type CST, type Document, type YAMLError } from 'yaml';
import { EvidenceError } from '../measure.js';
import { readWholeUtf8 } from './input.js';
import { checkStructure, pathFormat, type PathModel } from './named.js';

export { compilePolicyPath, namedMetricNotes, type MetricNotes, type PathModel } from './named.js';

export type YamlModel = PathModel;

/** Alias expansion cap handed to the `yaml` package (its own default, pinned here on purpose). */
export const YAML_MAX_ALIAS_COUNT = 100;
/** Cap on aliases × (aliases + anchors): the work the `yaml` package spends resolving aliases. */
export const YAML_ALIAS_WORK = 4_000_000;
/** Values an expanded document may hold beyond one per character of its text. */
const EXPANSION_ALLOWANCE = 1_000_000;

/** See the header: one counted line or flow item is allowed per this many bytes of the file. */
export const YAML_BYTES_PER_VALUE = 1024;

export const yaml = pathFormat('yaml', async (input, ctx) => {
  const bytes = await readWholeUtf8(input, ctx.limits.wholeDocumentBytes, 'YAML document');
  checkYamlDensity(bytes, Math.floor(ctx.limits.documentValues / 16) + Math.floor(bytes.length / YAML_BYTES_PER_VALUE), ctx.limits.nestingDepth);
  return parseYaml(bytes.toString('utf8'), ctx.limits.nestingDepth);
});

/**
 * Refuses a document with more than `max` lines and flow indicators (`{`, `[`, `,`), counted on the
 * bytes before any YAML parsing: an upper bound of the work and memory of the `yaml` package, whose
 * every node needs a line or a flow indicator. When the refused document also opens more than
 * `maxDepth` flow collections (counted naively: brackets in scalars count too), the reason says so,
 * as the depth check after parsing would have.
 */
export function checkYamlDensity(bytes: Uint8Array, max: number, maxDepth = Number.POSITIVE_INFINITY): void {
  let units = 0;
  let line = 1;
  let lineStart = 0;
  let depth = 0;
  let deep: { line: number; column: number } | undefined;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i];
    if (c === 93 || c === 125) {
      depth--; // ] }
      continue;
    }
    if (c === 10) {
      line++;
      lineStart = i + 1;
    } else if (c === 123 || c === 91) {
      if (++depth > maxDepth && deep === undefined) deep = { line, column: i - lineStart + 1 };
    } else if (c !== 44) continue;
    if (++units > max) {
      if (deep !== undefined) throw new EvidenceError(`YAML nesting is deeper than ${maxDepth} levels (LIMITS.nestingDepth)`, deep);
      throw new EvidenceError(
        `the YAML document has more than ${max} lines and flow items (LIMITS.documentValues / 16, plus one per ${YAML_BYTES_PER_VALUE} bytes of the file): ` +
          'the YAML parser needs kilobytes per node, so a document this large or dense is refused rather than read — write it as JSON (format: json reads far larger documents)',
        { line },
      );
    }
  }
}

/** Parses one YAML document into plain data, or throws EvidenceError. */
export function parseYaml(text: string, maxDepth: number): unknown {
  const lines = new LineCounter();
  const at = (offset: number): { line: number; column: number } => {
    const { line, col } = lines.linePos(offset);
    return { line, column: col };
  };
  const tokens = Array.from(new Parser(lines.addNewLine).parse(text));
  checkCstDepth(tokens, maxDepth, at);

  const composer = new Composer({
    version: '1.2',
    schema: 'core',
    merge: false,
    uniqueKeys: false, // checked in checkKeysAndAliases, in linear time
    stringKeys: true,
    strict: true,
    prettyErrors: false,
    intAsBigInt: false,
    logLevel: 'silent',
  });
  const docs = Array.from(composer.compose(tokens));
  const errors: YAMLError[] = [...docs.flatMap((d) => d.errors), ...composer.streamInfo().errors];
  if (errors.length > 0) {
    const first = errors.reduce((a, b) => (b.pos[0] < a.pos[0] ? b : a));
    throw new EvidenceError(`invalid YAML: ${first.message}`, at(first.pos[0]));
  }
  if (docs.length === 0) throw new EvidenceError('no YAML document (the file is empty or holds only comments)');
  if (docs.length > 1) {
    throw new EvidenceError(`the YAML stream holds ${docs.length} documents; release-gate reads a file with exactly one`);
  }
  const doc = docs[0] as (typeof docs)[number];
  checkKeysAndAliases(doc, at);

  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: YAML_MAX_ALIAS_COUNT, mapAsMap: false });
  } catch (err) {
    if (err instanceof RangeError) {
      throw new EvidenceError(`YAML nesting is deeper than the parser can follow (LIMITS.nestingDepth is ${maxDepth})`);
    }
    const message = err instanceof Error ? err.message : String(err);
    if (message.startsWith('Excessive alias count')) {
      throw new EvidenceError(
        `YAML aliases expand too much (more than ${YAML_MAX_ALIAS_COUNT} alias resolutions): an alias bomb is not evidence`,
      );
    }
    throw new EvidenceError(`YAML could not be converted to data: ${message}`);
  }
  checkStructure(value, maxDepth, text.length + EXPANSION_ALLOWANCE, 'the YAML document');
  return value;
}

/** Refuses CST nesting deeper than maxDepth collections, iteratively. */
function checkCstDepth(
  tokens: CST.Token[],
  maxDepth: number,
  at: (offset: number) => { line: number; column: number },
): void {
  const stack: [CST.Token, number][] = tokens.map((t) => [t, 0]);
  while (stack.length > 0) {
    const [token, depth] = stack.pop() as [CST.Token, number];
    switch (token.type) {
      case 'document':
        if (token.value) stack.push([token.value, depth]);
        break;
      case 'block-map':
      case 'block-seq':
      case 'flow-collection': {
        const inner = depth + 1;
        if (inner > maxDepth) {
          throw new EvidenceError(`YAML nesting is deeper than ${maxDepth} levels (LIMITS.nestingDepth)`, at(token.offset));
        }
        for (const item of token.items) {
          if (item.key) stack.push([item.key, inner]);
          if (item.value) stack.push([item.value, inner]);
        }
        break;
      }
      default:
        break;
    }
  }
}

type Position = { line: number; column: number };

/**
 * One iterative pass over the composed document: duplicate keys (a Set per map), alias keys,
 * and the number of anchors and aliases, whose resolution the `yaml` package does in quadratic time.
 */
function checkKeysAndAliases(doc: Document.Parsed, at: (offset: number) => Position): void {
  let anchors = 0;
  let aliases = 0;
  const pending: unknown[] = [doc.contents];
  while (pending.length > 0) {
    const node = pending.pop();
    if (isAlias(node)) {
      aliases++;
      continue;
    }
    if (isScalar(node) || isMap(node) || isSeq(node)) {
      if (node.anchor) anchors++;
    }
    if (isMap(node)) {
      const keys = new Set<string>();
      for (const pair of node.items) {
        const key: unknown = pair.key;
        if (isAlias(key)) {
          throw new EvidenceError('invalid YAML: an alias cannot be a key here', at(key.range?.[0] ?? 0));
        }
        if (isScalar(key)) {
          if (key.anchor) anchors++;
          const name = String(key.value);
          if (keys.has(name)) {
            const shown = name.length > 40 ? `${JSON.stringify(name.slice(0, 40))}…` : JSON.stringify(name);
            throw new EvidenceError(`duplicate key ${shown} in one map: which value counts would be a guess`, at(key.range?.[0] ?? 0));
          }
          keys.add(name);
        }
        pending.push(pair.value);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) pending.push(isPair(item) ? item.value : item);
    }
  }
  if (aliases > 0 && aliases * (aliases + anchors) > YAML_ALIAS_WORK) {
    throw new EvidenceError(
      `the YAML document has ${aliases} aliases and ${anchors} anchors; resolving that many is refused (YAML_ALIAS_WORK) — write the values out`,
    );
  }
}
