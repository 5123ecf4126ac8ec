/**
 * Validation of REST requests (and, for the harness's own tests, responses) against GitHub's
 * published OpenAPI description (`@octokit/openapi`, api.github.com flavour).
 *
 *   validateRequest({ method: 'PATCH', path: '/repos/o/r/check-runs/12', body: {...} })
 *     → { operationId: 'checks/update', params: { owner: 'o', repo: 'r', check_run_id: 12 }, ... }
 *     | { errors: ['body/conclusion must be equal to one of the allowed values: ...'], ... }
 *
 * Only `node_modules/@octokit/openapi/generated/api.github.com.json` (13 MB) is loaded, once, on
 * first use (≈0.2 s); schemas are compiled lazily per operation and cached.
 *
 * The description is OpenAPI 3.0: before compiling, `nullable: true` becomes a JSON-schema union
 * with null (`type: [t, 'null']`, null added to `enum`, or `anyOf [schema, {type: null}]` when the
 * schema has no `type`), and `oneOf` becomes `anyOf` (several of GitHub's `oneOf`s have branches
 * that overlap, so a valid payload can match two of them). Request bodies are additionally checked
 * for unknown properties at every object level where the description does not say
 * (`additionalProperties` unset): GitHub ignores such properties silently, which hides typos. Those
 * errors carry the prefix "unknown property" and are reported with `strictOnly: true` when they
 * are the only problem (GitHub itself would have accepted the request).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Ajv as AjvClass, ErrorObject, ValidateFunction } from 'ajv';

const require = createRequire(import.meta.url);
const { Ajv } = require('ajv') as typeof import('ajv');
const addFormats = require('ajv-formats') as typeof import('ajv-formats').default;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type SchemaNode = { [key: string]: Json };

export interface RequestToValidate {
  method: string;
  /** path relative to the API root, e.g. `/repos/o/r/check-runs`; may carry a `?query` */
  path: string;
  query?: URLSearchParams | Record<string, string | string[] | number | boolean | undefined> | string;
  headers?: Record<string, string | string[] | undefined>;
  /** the parsed JSON body (undefined when the request has none) */
  body?: unknown;
}

export interface ValidRequest {
  operationId: string;
  /** the matched template, e.g. `/repos/{owner}/{repo}/check-runs/{check_run_id}` */
  template: string;
  /** path parameters, coerced to their schema types (integers become numbers) */
  params: Record<string, string | number>;
  /** query parameters, coerced to their schema types; unknown ones are left out */
  query: Record<string, string | number | boolean | string[]>;
  /** the operation's documentation URL (used for GitHub-style `documentation_url`) */
  docsUrl: string;
}

export interface InvalidRequest {
  errors: string[];
  /** set when a template matched, so a server can still route (GitHub does for unknown props) */
  operationId?: string;
  template?: string;
  params?: Record<string, string | number>;
  query?: Record<string, string | number | boolean | string[]>;
  docsUrl?: string;
  /** true when the only problems are unknown properties / query params, which GitHub ignores */
  strictOnly?: boolean;
  /** true when no operation matches the method and path (GitHub answers 404) */
  noOperation?: boolean;
  /** true when a path parameter does not fit its schema (GitHub answers 404) */
  badPath?: boolean;
}

export type RequestValidation = ValidRequest | InvalidRequest;

export function isValid(v: RequestValidation | undefined): v is ValidRequest {
  return v !== undefined && !('errors' in v);
}

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: SchemaNode;
  'x-multi-segment'?: boolean;
}

interface Operation {
  operationId: string;
  method: string;
  template: string;
  segments: Segment[];
  parameters: Parameter[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: SchemaNode }> };
  responses: Record<string, SchemaNode>;
  docsUrl: string;
}

/**
 * A path segment: literal, one parameter (possibly spanning segments), or parameters between
 * literals (`{base}...{head}` of the older compare template).
 */
type Segment = { literal: string } | { param: string; multi: boolean } | { pattern: RegExp; params: string[] };

interface Spec {
  operations: Operation[];
  byId: Map<string, Operation>;
  components: { schemas: Record<string, SchemaNode>; parameters: Record<string, Json>; responses: Record<string, Json> };
}

const SPEC_FILE = require.resolve('@octokit/openapi/generated/api.github.com.json');
const ROOT_ID = 'https://fake-github.invalid/openapi.json';
const STRICT_KEYWORD = 'x-fake-known-properties';
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

let spec: Spec | undefined;
let ajvInstance: AjvClass | undefined;
const bodyValidators = new Map<string, ValidateFunction | null>();
const paramValidators = new Map<string, ValidateFunction>();
const responseValidators = new Map<string, ValidateFunction | null>();

/** Loads and indexes the description (once). Exposed for warming up outside a timed test. */
export function loadSpec(): Spec {
  if (spec) return spec;
  const doc = JSON.parse(readFileSync(SPEC_FILE, 'utf8')) as {
    paths: Record<string, Record<string, Json>>;
    components: Spec['components'];
  };
  const resolveParam = (p: Json): Parameter => {
    const ref = (p as SchemaNode).$ref;
    if (typeof ref === 'string') return doc.components.parameters[ref.split('/').pop()!] as unknown as Parameter;
    return p as unknown as Parameter;
  };
  const operations: Operation[] = [];
  for (const [template, item] of Object.entries(doc.paths)) {
    const shared = ((item.parameters ?? []) as Json[]).map(resolveParam);
    for (const method of METHODS) {
      const op = item[method] as SchemaNode | undefined;
      if (!op) continue;
      const own = ((op.parameters ?? []) as Json[]).map(resolveParam);
      const parameters = [...shared.filter((s) => !own.some((o) => o.name === s.name && o.in === s.in)), ...own];
      const segments: Segment[] = template
        .split('/')
        .slice(1)
        .map((s): Segment => {
          const names = [...s.matchAll(/\{([^}]+)\}/g)].map((x) => x[1]!);
          if (names.length > 1) {
            const literal = (t: string) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
            const source = s.split(/\{[^}]+\}/).map(literal).join('(.+?)');
            return { pattern: new RegExp(`^${source}$`), params: names };
          }
          const m = /^\{(.+)\}$/.exec(s);
          if (!m) return { literal: s };
          const param = parameters.find((p) => p.in === 'path' && p.name === m[1]);
          return { param: m[1]!, multi: param?.['x-multi-segment'] === true };
        });
      const responses: Record<string, SchemaNode> = {};
      for (const [status, r] of Object.entries((op.responses ?? {}) as Record<string, SchemaNode>)) {
        const resolved =
          typeof r.$ref === 'string' ? (doc.components.responses[r.$ref.split('/').pop()!] as SchemaNode) : r;
        responses[status] = resolved;
      }
      operations.push({
        operationId: String(op.operationId),
        method: method.toUpperCase(),
        template,
        segments,
        parameters,
        requestBody: op.requestBody as Operation['requestBody'],
        responses,
        docsUrl: String((op.externalDocs as SchemaNode | undefined)?.url ?? 'https://docs.github.com/rest'),
      });
    }
  }
  spec = { operations, byId: new Map(operations.map((o) => [o.operationId, o])), components: doc.components };
  return spec;
}

/** All operations known to the description (method, template, operationId). */
export function operations(): ReadonlyArray<Pick<Operation, 'operationId' | 'method' | 'template' | 'docsUrl'>> {
  return loadSpec().operations;
}

export function operationById(operationId: string): Pick<Operation, 'operationId' | 'method' | 'template' | 'docsUrl'> | undefined {
  return loadSpec().byId.get(operationId);
}

// ---------------------------------------------------------------------------------------------
// OpenAPI 3.0 → JSON schema

function convert(node: Json): Json {
  if (Array.isArray(node)) return node.map((n) => convert(n));
  if (node === null || typeof node !== 'object') return node;
  const out: SchemaNode = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === 'example' || k === 'examples' || k === 'description' || k.startsWith('x-')) continue;
    if (k === 'nullable' || k === 'discriminator') continue;
    if (k === 'properties' || k === 'patternProperties' || k === 'definitions' || k === 'schemas') {
      const props: SchemaNode = {};
      for (const [pk, pv] of Object.entries(v as SchemaNode)) props[pk] = convert(pv);
      out[k] = props;
    } else if (k === 'oneOf' || k === 'anyOf' || k === 'allOf') {
      const key = k === 'oneOf' ? 'anyOf' : k;
      const members = (v as Json[]).map((m) => convert(m));
      out[key] = key in out ? [...(out[key] as Json[]), ...members] : members;
    } else if (k === 'items' || k === 'additionalProperties' || k === 'not') {
      out[k] = convert(v);
    } else {
      out[k] = v;
    }
  }
  if ((node as SchemaNode).nullable === true) {
    if (typeof out.type === 'string') {
      out.type = [out.type, 'null'];
      if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
      return out;
    }
    const rest = Object.keys(out).filter((k) => k !== 'title' && k !== 'readOnly');
    if (rest.length === 0) return out; // `{ nullable: true }` alone: anything goes
    return { anyOf: [out, { type: 'null' }] };
  }
  return out;
}

function ajv(): AjvClass {
  if (ajvInstance) return ajvInstance;
  const { components } = loadSpec();
  const instance = new Ajv({ strict: false, allErrors: true, validateSchema: false, addUsedSchema: false });
  addFormats(instance);
  for (const f of ['int32', 'int64', 'double', 'float', 'binary', 'byte', 'repo.nwo', 'timestamp', 'password']) {
    instance.addFormat(f, true);
  }
  instance.addKeyword({
    keyword: STRICT_KEYWORD,
    type: 'object',
    schemaType: 'array',
    errors: true,
    validate: function known(schema: string[], data: Record<string, unknown>) {
      const extra = Object.keys(data).filter((k) => !schema.includes(k));
      if (extra.length === 0) return true;
      (known as unknown as { errors: Partial<ErrorObject>[] }).errors = extra.map((p) => ({
        keyword: STRICT_KEYWORD,
        message: `unknown property '${p}' (GitHub ignores it silently; known: ${schema.join(', ')})`,
        params: { property: p },
      }));
      return false;
    },
  });
  const schemas: SchemaNode = {};
  for (const [name, s] of Object.entries(components.schemas)) schemas[name] = convert(s);
  instance.addSchema({ $id: ROOT_ID, components: { schemas } } as SchemaNode);
  ajvInstance = instance;
  return instance;
}

function componentSchema(ref: string): SchemaNode {
  const name = ref.replace('#/components/schemas/', '');
  const found = loadSpec().components.schemas[name];
  if (!found) throw new Error(`unresolvable $ref ${ref}`);
  return found;
}

/** Inlines `#/components/schemas/*` refs (request bodies are small; cycles keep a global ref). */
function inline(node: Json, seen: string[] = []): Json {
  if (Array.isArray(node)) return node.map((n) => inline(n, seen));
  if (node === null || typeof node !== 'object') return node;
  const ref = node.$ref;
  if (typeof ref === 'string') {
    if (seen.includes(ref)) return { $ref: ROOT_ID + ref };
    return inline(componentSchema(ref), [...seen, ref]);
  }
  const out: SchemaNode = {};
  for (const [k, v] of Object.entries(node)) {
    out[k] = k === 'example' || k === 'examples' ? v : inline(v, seen);
  }
  return out;
}

/** Properties declared by a schema and, recursively, by the members of its compositions. */
function declared(node: SchemaNode): { names: Set<string>; open: boolean } {
  const names = new Set<string>();
  let open = false;
  if (node.properties && typeof node.properties === 'object') {
    for (const k of Object.keys(node.properties)) names.add(k);
  }
  for (const key of ['allOf', 'anyOf', 'oneOf']) {
    for (const m of (node[key] as SchemaNode[] | undefined) ?? []) {
      if (!m || typeof m !== 'object') continue;
      const sub = declared(m);
      sub.names.forEach((n) => names.add(n));
      // a member that is a free-form object (no properties of its own) opens the whole node
      if (sub.open || (m.type === 'object' && !m.properties && m.additionalProperties !== false && !hasComposition(m))) {
        open = true;
      }
    }
  }
  return { names, open };
}

function hasComposition(n: SchemaNode): boolean {
  return Array.isArray(n.allOf) || Array.isArray(n.anyOf) || Array.isArray(n.oneOf);
}

/** Adds the unknown-property check wherever the description leaves `additionalProperties` unset. */
function strictify(node: Json, isMember = false): Json {
  if (Array.isArray(node)) return node.map((n) => strictify(n));
  if (node === null || typeof node !== 'object') return node;
  const out: SchemaNode = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === 'properties' || k === 'patternProperties') {
      const props: SchemaNode = {};
      for (const [pk, pv] of Object.entries(v as SchemaNode)) props[pk] = strictify(pv);
      out[k] = props;
    } else if (k === 'allOf' || k === 'anyOf' || k === 'oneOf') {
      out[k] = (v as Json[]).map((m) => strictify(m, true));
    } else if (k === 'items' || k === 'additionalProperties' || k === 'not') {
      out[k] = typeof v === 'object' ? strictify(v) : v;
    } else {
      out[k] = v;
    }
  }
  if (!isMember && !('additionalProperties' in node) && !('patternProperties' in node)) {
    const { names, open } = declared(node);
    if (names.size > 0 && !open) out[STRICT_KEYWORD] = [...names].sort();
  }
  return out;
}

function bodyValidator(op: Operation): ValidateFunction | null {
  if (bodyValidators.has(op.operationId)) return bodyValidators.get(op.operationId)!;
  const content = op.requestBody?.content ?? {};
  const media = content['application/json'] ?? Object.values(content)[0];
  let fn: ValidateFunction | null = null;
  if (media?.schema) {
    const schema = strictify(convert(inline(media.schema))) as SchemaNode;
    fn = ajv().compile({ ...schema, $id: `${ROOT_ID}/request/${op.operationId}` });
  }
  bodyValidators.set(op.operationId, fn);
  return fn;
}

function paramValidator(op: Operation, p: Parameter): ValidateFunction {
  const key = `${op.operationId}\u0000${p.in}\u0000${p.name}`;
  let fn = paramValidators.get(key);
  if (!fn) {
    const schema = convert(inline(p.schema ?? {})) as SchemaNode;
    fn = ajv().compile({ ...schema, $id: `${ROOT_ID}/param/${encodeURIComponent(key)}` });
    paramValidators.set(key, fn);
  }
  return fn;
}

function formatErrors(where: string, errors: ErrorObject[] | null | undefined): string[] {
  const out: string[] = [];
  for (const e of errors ?? []) {
    if (e.keyword === 'anyOf' && (errors ?? []).length > 1) continue; // the branch errors say more
    let msg = `${where}${e.instancePath} ${e.message ?? e.keyword}`;
    if (e.keyword === 'enum') msg += `: ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
    if (e.keyword === 'additionalProperties') msg += `: '${(e.params as { additionalProperty: string }).additionalProperty}'`;
    if (e.keyword === STRICT_KEYWORD) msg = `${where}${e.instancePath} ${e.message}`;
    if (!out.includes(msg)) out.push(msg);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// routing

function matchSegments(segs: Segment[], parts: string[], i = 0, j = 0, acc: Record<string, string> = {}): Record<string, string> | undefined {
  if (i === segs.length) return j === parts.length ? acc : undefined;
  const seg = segs[i]!;
  if ('literal' in seg) {
    return parts[j] === seg.literal ? matchSegments(segs, parts, i + 1, j + 1, acc) : undefined;
  }
  if (j >= parts.length || parts[j] === '') return undefined;
  if ('pattern' in seg) {
    const m = seg.pattern.exec(parts[j]!);
    return m ? matchSegments(segs, parts, i + 1, j + 1, { ...acc, ...Object.fromEntries(seg.params.map((p, k) => [p, m[k + 1]!])) }) : undefined;
  }
  if (!seg.multi) return matchSegments(segs, parts, i + 1, j + 1, { ...acc, [seg.param]: parts[j]! });
  for (let end = parts.length; end > j; end--) {
    const found = matchSegments(segs, parts, i + 1, end, { ...acc, [seg.param]: parts.slice(j, end).join('/') });
    if (found) return found;
  }
  return undefined;
}

/** Higher is more specific: literal segments earlier in the path win. */
function compareSpecificity(a: Operation, b: Operation): number {
  const n = Math.max(a.segments.length, b.segments.length);
  for (let i = 0; i < n; i++) {
    const sa = a.segments[i];
    const sb = b.segments[i];
    const la = sa && 'literal' in sa ? 2 : sa && ('pattern' in sa || !sa.multi) ? 1 : 0;
    const lb = sb && 'literal' in sb ? 2 : sb && ('pattern' in sb || !sb.multi) ? 1 : 0;
    if (la !== lb) return lb - la;
  }
  return 0;
}

export interface OperationMatch {
  operation: Operation;
  rawParams: Record<string, string>;
}

/** Finds the operation for a concrete method + path (path relative to the API root). */
export function findOperation(method: string, path: string): OperationMatch | { methodNotAllowed: string[] } | undefined {
  const pathOnly = path.split('?')[0]!;
  let parts: string[];
  try {
    parts = pathOnly.split('/').slice(1).map((p) => decodeURIComponent(p));
  } catch {
    return undefined;
  }
  if (parts.length > 1 && parts[parts.length - 1] === '') parts = parts.slice(0, -1);
  const candidates: OperationMatch[] = [];
  for (const op of loadSpec().operations) {
    const rawParams = matchSegments(op.segments, parts);
    if (rawParams) candidates.push({ operation: op, rawParams });
  }
  if (candidates.length === 0) return undefined;
  const upper = method.toUpperCase();
  const withMethod = candidates.filter((c) => c.operation.method === upper || (upper === 'HEAD' && c.operation.method === 'GET'));
  if (withMethod.length === 0) return { methodNotAllowed: [...new Set(candidates.map((c) => c.operation.method))] };
  withMethod.sort((a, b) => compareSpecificity(a.operation, b.operation));
  return withMethod[0];
}

function coerce(raw: string | string[], schema: SchemaNode | undefined): unknown {
  const type = Array.isArray(schema?.type) ? schema.type[0] : schema?.type;
  if (type === 'array') {
    const list = Array.isArray(raw) ? raw : raw.split(',');
    return list.map((x) => coerce(x, schema?.items as SchemaNode | undefined));
  }
  const value = Array.isArray(raw) ? raw[raw.length - 1]! : raw;
  if (type === 'integer' && /^-?\d+$/.test(value)) return Number(value);
  if (type === 'number' && value.trim() !== '' && !Number.isNaN(Number(value))) return Number(value);
  if (type === 'boolean' && (value === 'true' || value === 'false')) return value === 'true';
  return value;
}

function normaliseQuery(req: RequestToValidate): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const add = (k: string, v: string) => out.set(k, [...(out.get(k) ?? []), v]);
  const qIndex = req.path.indexOf('?');
  if (qIndex >= 0) new URLSearchParams(req.path.slice(qIndex + 1)).forEach((v, k) => add(k, v));
  const q = req.query;
  if (typeof q === 'string') new URLSearchParams(q.replace(/^\?/, '')).forEach((v, k) => add(k, v));
  else if (q instanceof URLSearchParams) q.forEach((v, k) => add(k, v));
  else if (q) {
    for (const [k, v] of Object.entries(q)) {
      if (v === undefined) continue;
      for (const x of Array.isArray(v) ? v : [v]) add(k, String(x));
    }
  }
  return out;
}

/** Validates one REST request against the operation it addresses. */
export function validateRequest(req: RequestToValidate): RequestValidation {
  const method = req.method.toUpperCase();
  const found = findOperation(method, req.path);
  if (!found) return { errors: [`no operation in GitHub's REST API matches ${method} ${req.path.split('?')[0]}`], noOperation: true };
  if ('methodNotAllowed' in found) {
    return {
      errors: [`${method} is not an operation on ${req.path.split('?')[0]} (allowed: ${found.methodNotAllowed.join(', ')})`],
      noOperation: true,
    };
  }
  const { operation: op, rawParams } = found;
  const errors: string[] = [];
  const strictErrors: string[] = [];
  let badPath = false;

  const params: Record<string, string | number> = {};
  for (const p of op.parameters.filter((x) => x.in === 'path')) {
    const raw = rawParams[p.name];
    if (raw === undefined) {
      errors.push(`path.${p.name} is missing`);
      badPath = true;
      continue;
    }
    const value = coerce(raw, p.schema);
    const fn = paramValidator(op, p);
    if (!fn(value)) {
      errors.push(...formatErrors(`path.${p.name}`, fn.errors).map((e) => `${e} (got ${JSON.stringify(raw)})`));
      badPath = true;
    }
    params[p.name] = value as string | number;
  }

  const query: Record<string, string | number | boolean | string[]> = {};
  const rawQuery = normaliseQuery(req);
  const queryParams = op.parameters.filter((x) => x.in === 'query');
  for (const [name, values] of rawQuery) {
    const p = queryParams.find((x) => x.name === name);
    if (!p) {
      strictErrors.push(
        `query.${name} is not a parameter of ${op.operationId} (GitHub ignores it silently; known: ${queryParams.map((x) => x.name).join(', ') || 'none'})`,
      );
      continue;
    }
    const value = coerce(values, p.schema);
    const fn = paramValidator(op, p);
    if (!fn(value)) errors.push(...formatErrors(`query.${name}`, fn.errors).map((e) => `${e} (got ${JSON.stringify(values.join(','))})`));
    query[name] = value as string | number | boolean | string[];
  }
  for (const p of queryParams) {
    if (p.required && !rawQuery.has(p.name)) errors.push(`query.${p.name} is required`);
  }

  const hasBody = req.body !== undefined && req.body !== null && !(typeof req.body === 'string' && req.body === '');
  if (op.requestBody) {
    if (!hasBody) {
      if (op.requestBody.required) errors.push(`body is required by ${op.operationId}`);
    } else {
      const fn = bodyValidator(op);
      if (fn && !fn(req.body)) {
        const all = fn.errors ?? [];
        for (const e of all) {
          // an anyOf failure is explained by its branches' errors; alone it is a real error
          if (e.keyword === 'anyOf' && all.length > 1) continue;
          for (const msg of formatErrors('body', [e])) {
            const list = e.keyword === STRICT_KEYWORD ? strictErrors : errors;
            if (!list.includes(msg)) list.push(msg);
          }
        }
      }
    }
  } else if (hasBody && method !== 'GET' && method !== 'HEAD' && method !== 'DELETE') {
    strictErrors.push(`body: ${op.operationId} takes no request body (GitHub ignores it)`);
  }

  const base = { operationId: op.operationId, template: op.template, params, query, docsUrl: op.docsUrl };
  if (errors.length === 0 && strictErrors.length === 0) return base;
  return {
    ...base,
    errors: [...errors, ...strictErrors],
    strictOnly: errors.length === 0,
    ...(badPath ? { badPath } : {}),
  };
}

/**
 * Validates a response body against the operation's documented response schema for `status`.
 * Returns the problems (empty when valid, or when the status has no JSON schema).
 */
export function validateResponse(operationId: string, status: number, body: unknown): string[] {
  const op = loadSpec().byId.get(operationId);
  if (!op) return [`unknown operation ${operationId}`];
  const key = `${operationId} ${status}`;
  let fn = responseValidators.get(key);
  if (fn === undefined) {
    const r = op.responses[String(status)] ?? op.responses[`${String(status)[0]}XX`] ?? op.responses.default;
    const schema = (r?.content as Record<string, { schema?: SchemaNode }> | undefined)?.['application/json']?.schema;
    fn = schema
      ? ajv().compile({ ...(convert(rewriteRefs(schema)) as SchemaNode), $id: `${ROOT_ID}/response/${encodeURIComponent(key)}` })
      : null;
    responseValidators.set(key, fn);
  }
  if (!fn || fn(body)) return [];
  return formatErrors('response', fn.errors);
}

function rewriteRefs(node: Json): Json {
  if (Array.isArray(node)) return node.map(rewriteRefs);
  if (node === null || typeof node !== 'object') return node;
  const out: SchemaNode = {};
  for (const [k, v] of Object.entries(node)) {
    out[k] = k === '$ref' && typeof v === 'string' && v.startsWith('#/') ? ROOT_ID + v : rewriteRefs(v);
  }
  return out;
}
