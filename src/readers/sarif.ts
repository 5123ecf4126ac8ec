import { EvidenceError } from '../measure.js';
import type { Metrics } from '../measure.js';
import { compileShape, readJsonDocument } from './json.js';
import type { ByteSource, Format } from './types.js';

/**
 * SARIF 2.1.0 logs (CodeQL, Trivy, ESLint, Semgrep, ...), summed over every run of the file.
 *
 * What counts:
 * - A result counts once in `results` and once in its effective level: `result.level`, else the level
 *   a run's `invocations[].ruleConfigurationOverrides` give its rule, else the rule's
 *   `defaultConfiguration.level`, else "warning"; a result whose `kind` is not "fail" defaults to
 *   "none" instead (SARIF §3.27.10). Level "none" counts in `results` only.
 * - Suppressed results do not count: a result is suppressed when one of its `suppressions` is in
 *   effect, i.e. has no `status` or status "accepted". A suppression still "underReview" has not been
 *   accepted, so a result whose only other suppressions were rejected still counts (the sarif-tutorials
 *   sample calls that case hidden; a gate must not hide a finding nobody accepted).
 * - Results with `baselineState: "absent"` do not count: they were in the baseline and are gone.
 * - `security.*` buckets a result by its `security-severity` property (result properties, else the
 *   rule's), with GitHub code scanning's thresholds: critical >= 9.0, high >= 7.0, medium >= 4.0,
 *   low > 0. It does not depend on the rule's tags.
 *
 * What is not evidence (EvidenceError, never zero findings): invalid JSON, a version other than
 * "2.1.0", `runs` missing, null or empty (nothing was analysed), a run without a `results` array (the
 * schema: "it must be present (but may be empty) if a log file represents an actual scan"; a run that
 * only exports rule metadata is not a scan), a run whose invocation reports `executionSuccessful:
 * false` (the tool did not complete, its silence proves nothing), values of the wrong type, and
 * references (`ruleIndex`, `toolComponent`) to rules or components that are not in the log.
 */
export interface SarifModel {
  results: number;
  error: number;
  warning: number;
  note: number;
  critical: number;
  high: number;
  medium: number;
  low: number;
}

type Json = Record<string, unknown>;
type Level = 'none' | 'note' | 'warning' | 'error';

const LEVELS = new Set<string>(['none', 'note', 'warning', 'error']);
const KINDS = new Set<string>(['notApplicable', 'pass', 'fail', 'review', 'open', 'informational']);
const SUPPRESSION_STATUSES = new Set<string>(['accepted', 'underReview', 'rejected']);
const BASELINE_STATES = new Set<string>(['new', 'unchanged', 'updated', 'absent']);

/**
 * What this reader reads of a log. Everything else (messages, locations, code flows, fingerprints,
 * artifacts, notifications) is checked for syntax and skipped, not built: it is most of a large
 * log's bytes, and no count depends on it.
 */
const RULE = { id: true, defaultConfiguration: { level: true }, properties: { 'security-severity': true } };
const COMPONENT = { name: true, guid: true, rules: [RULE] } as const;
const SARIF_SHAPE = compileShape({
  version: true,
  runs: [
    {
      tool: { driver: COMPONENT, extensions: [COMPONENT] },
      invocations: [{ executionSuccessful: true, ruleConfigurationOverrides: true }],
      results: [
        {
          ruleId: true,
          ruleIndex: true,
          rule: true,
          level: true,
          kind: true,
          baselineState: true,
          suppressions: true,
          properties: { 'security-severity': true },
        },
      ],
    },
  ],
});

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function emptyModel(): SarifModel {
  return { results: 0, error: 0, warning: 0, note: 0, critical: 0, high: 0, medium: 0, low: 0 };
}


/** The components of a run, with their rules indexed by id. */
class RunContext {
  private readonly byId = new Map<Json, Map<string, Json>>();
  private readonly overrides = new Map<Json, Level>();

  constructor(
    private readonly run: Json,
    private readonly where: string,
  ) {
    const invocations = run.invocations;
    if (!Array.isArray(invocations)) return;
    invocations.forEach((invocation, i) => {
      const overrides = isObject(invocation) ? invocation.ruleConfigurationOverrides : undefined;
      if (overrides === undefined) return;
      if (!Array.isArray(overrides)) throw this.error(`invocations[${i}].ruleConfigurationOverrides is not an array`);
      for (const override of overrides) {
        if (!isObject(override) || !isObject(override.descriptor)) continue;
        const level = isObject(override.configuration) ? override.configuration.level : undefined;
        if (level === undefined) continue;
        if (typeof level !== 'string' || !LEVELS.has(level)) {
          throw this.error(`a ruleConfigurationOverrides level is ${JSON.stringify(level)}, not one of none, note, warning, error`);
        }
        const rule = this.resolve(override.descriptor.index, override.descriptor.id, override.descriptor.toolComponent);
        if (rule !== undefined && !this.overrides.has(rule)) this.overrides.set(rule, level as Level);
      }
    });
  }

  error(message: string): EvidenceError {
    return new EvidenceError(`${this.where}: ${message}`);
  }

  private component(ref: unknown): Json {
    const driver = (this.run.tool as Json).driver as Json;
    if (ref === undefined) return driver;
    if (!isObject(ref)) throw this.error('a toolComponent reference is not an object');
    const extensions = (this.run.tool as Json).extensions;
    const list = Array.isArray(extensions) ? extensions : [];
    if (typeof ref.index === 'number' && ref.index !== -1) {
      const found: unknown = list[ref.index];
      if (!isObject(found)) throw this.error(`toolComponent index ${ref.index} is not in tool.extensions`);
      return found;
    }
    for (const key of ['guid', 'name'] as const) {
      if (typeof ref[key] !== 'string') continue;
      const found = [driver, ...list].find((c) => isObject(c) && c[key] === ref[key]);
      if (!isObject(found)) throw this.error(`toolComponent ${key} ${JSON.stringify(ref[key])} is not in the run's tool`);
      return found;
    }
    throw this.error('a toolComponent reference has no index, guid or name');
  }

  /** The rule a result or override points at, or undefined when it names no rule the log defines. */
  resolve(index: unknown, id: unknown, toolComponent: unknown): Json | undefined {
    const component = this.component(toolComponent);
    const rules = component.rules;
    if (rules !== undefined && !Array.isArray(rules)) throw this.error('a tool component\'s rules is not an array');
    if (index !== undefined && index !== -1) {
      if (typeof index !== 'number' || !Number.isInteger(index) || index < -1) throw this.error(`rule index ${JSON.stringify(index)} is not an integer`);
      const rule: unknown = rules?.[index];
      if (!isObject(rule)) throw this.error(`rule index ${index} is not in the tool component's rules`);
      return rule;
    }
    if (typeof id !== 'string' || rules === undefined) return undefined;
    let byId = this.byId.get(component);
    if (byId === undefined) {
      byId = new Map();
      for (const rule of rules) if (isObject(rule) && typeof rule.id === 'string' && !byId.has(rule.id)) byId.set(rule.id, rule);
      this.byId.set(component, byId);
    }
    // hierarchical rule ids ("CA2000/1") fall back to their parents (SARIF §3.27.5)
    for (let key = id; ; key = key.slice(0, key.lastIndexOf('/'))) {
      const rule = byId.get(key);
      if (rule !== undefined) return rule;
      if (!key.includes('/')) return undefined;
    }
  }

  override(rule: Json): Level | undefined {
    return this.overrides.get(rule);
  }
}

function securitySeverity(properties: unknown, where: () => string): number | undefined {
  if (!isObject(properties)) return undefined;
  const raw = properties['security-severity'];
  if (raw === undefined || raw === null) return undefined;
  const value = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN;
  if (!Number.isFinite(value) || value < 0 || value > 10) {
    throw new EvidenceError(`${where()}: security-severity ${JSON.stringify(raw)} is not a number from 0.0 to 10.0`);
  }
  return value;
}

function countRun(run: unknown, r: number, model: SarifModel): void {
  let where = `runs[${r}]`;
  if (!isObject(run)) throw new EvidenceError(`not a SARIF log: ${where} is not an object`);
  if (!isObject(run.tool) || !isObject(run.tool.driver)) throw new EvidenceError(`not a SARIF log: ${where} has no tool.driver`);
  const toolName = run.tool.driver.name;
  if (typeof toolName === 'string' && toolName !== '') where += ` (${toolName})`;

  if (run.invocations !== undefined) {
    if (!Array.isArray(run.invocations)) throw new EvidenceError(`${where}: invocations is not an array`);
    run.invocations.forEach((invocation: unknown, i) => {
      const ok = isObject(invocation) ? invocation.executionSuccessful : undefined;
      if (ok === false) {
        throw new EvidenceError(`${where}: invocations[${i}].executionSuccessful is false: the tool did not complete, so its findings are not evidence`);
      }
      if (ok !== undefined && typeof ok !== 'boolean') throw new EvidenceError(`${where}: invocations[${i}].executionSuccessful is not a boolean`);
    });
  }
  const results = run.results;
  if (results === undefined || results === null) {
    throw new EvidenceError(`${where} has no results array: the results were not computed (a SARIF log of an actual scan must have one, even empty)`);
  }
  if (!Array.isArray(results)) throw new EvidenceError(`not a valid SARIF log: ${where}.results is ${JSON.stringify(results)}, not an array`);

  const context = new RunContext(run, where);
  results.forEach((result: unknown, i) => {
    const at = (): string => `${where}.results[${i}]`;
    if (!isObject(result)) throw new EvidenceError(`${at()} is not an object`);

    if (result.baselineState !== undefined) {
      if (typeof result.baselineState !== 'string' || !BASELINE_STATES.has(result.baselineState)) {
        throw new EvidenceError(`${at()}: baselineState ${JSON.stringify(result.baselineState)} is not one of new, unchanged, updated, absent`);
      }
      if (result.baselineState === 'absent') return;
    }
    if (result.suppressions !== undefined) {
      if (!Array.isArray(result.suppressions)) throw new EvidenceError(`${at()}: suppressions is not an array`);
      let suppressed = false;
      for (const suppression of result.suppressions) {
        if (!isObject(suppression)) throw new EvidenceError(`${at()}: a suppression is not an object`);
        const status = suppression.status;
        if (status !== undefined && (typeof status !== 'string' || !SUPPRESSION_STATUSES.has(status))) {
          throw new EvidenceError(`${at()}: suppression status ${JSON.stringify(status)} is not one of accepted, underReview, rejected`);
        }
        if (status === undefined || status === 'accepted') suppressed = true;
      }
      if (suppressed) return;
    }

    const ref = result.rule;
    if (ref !== undefined && !isObject(ref)) throw new EvidenceError(`${at()}: rule is not an object`);
    const rule = context.resolve(
      result.ruleIndex ?? ref?.index,
      result.ruleId ?? ref?.id,
      ref?.toolComponent,
    );

    let level = result.level;
    if (level !== undefined && (typeof level !== 'string' || !LEVELS.has(level))) {
      throw new EvidenceError(`${at()}: level ${JSON.stringify(level)} is not one of none, note, warning, error`);
    }
    if (result.kind !== undefined && (typeof result.kind !== 'string' || !KINDS.has(result.kind))) {
      throw new EvidenceError(`${at()}: kind ${JSON.stringify(result.kind)} is not a SARIF result kind`);
    }
    if (level === undefined) {
      if (result.kind !== undefined && result.kind !== 'fail') {
        level = 'none';
      } else {
        level = rule === undefined ? undefined : context.override(rule);
        if (level === undefined && rule !== undefined && isObject(rule.defaultConfiguration)) {
          level = rule.defaultConfiguration.level;
          if (level !== undefined && (typeof level !== 'string' || !LEVELS.has(level))) {
            throw new EvidenceError(`${where}: rule ${JSON.stringify(rule.id)} has defaultConfiguration.level ${JSON.stringify(level)}`);
          }
        }
        level ??= 'warning';
      }
    }

    model.results++;
    if (level === 'error') model.error++;
    else if (level === 'warning') model.warning++;
    else if (level === 'note') model.note++;

    const severity =
      securitySeverity(result.properties, at) ?? (rule === undefined ? undefined : securitySeverity(rule.properties, () => `${where}: rule ${JSON.stringify(rule.id)}`));
    if (severity === undefined || severity === 0) return;
    if (severity >= 9) model.critical++;
    else if (severity >= 7) model.high++;
    else if (severity >= 4) model.medium++;
    else model.low++;
  });
}

async function read(input: ByteSource, maxBytes: number, maxDepth: number): Promise<SarifModel> {
  const log = await readJsonDocument(input, maxBytes, maxDepth, 'SARIF log', SARIF_SHAPE);
  if (!isObject(log)) throw new EvidenceError('not a SARIF log: the document is not a JSON object');
  if (log.version !== '2.1.0') {
    throw new EvidenceError(
      log.version === undefined ? 'not a SARIF log: no "version" property' : `unsupported SARIF version ${JSON.stringify(log.version)} (only 2.1.0 is read)`,
    );
  }
  if (log.runs === undefined || log.runs === null) {
    throw new EvidenceError(`SARIF log has ${log.runs === null ? '"runs": null' : 'no "runs"'}: the tool produced no run, which is not evidence of no findings`);
  }
  if (!Array.isArray(log.runs)) throw new EvidenceError('not a SARIF log: "runs" is not an array');
  if (log.runs.length === 0) throw new EvidenceError('SARIF log has no runs ("runs": []): nothing was analysed, which is not evidence of no findings');
  const model = emptyModel();
  log.runs.forEach((run: unknown, r) => countRun(run, r, model));
  return model;
}

export const sarif: Format<SarifModel> = {
  name: 'sarif',
  read: (input, ctx) => read(input, ctx.limits.wholeDocumentBytes, ctx.limits.nestingDepth),
  merge(models) {
    if (models.length === 0) throw new EvidenceError('no SARIF log to combine');
    const sum = emptyModel();
    for (const m of models) for (const key of Object.keys(sum) as (keyof SarifModel)[]) sum[key] += m[key];
    return sum;
  },
  metrics(m): Metrics {
    return {
      results: { value: m.results },
      error: { value: m.error },
      warning: { value: m.warning },
      note: { value: m.note },
      'security.critical': { value: m.critical },
      'security.high': { value: m.high },
      'security.medium': { value: m.medium },
      'security.low': { value: m.low },
    };
  },
  knownMetrics: {
    results: null,
    error: null,
    warning: null,
    note: null,
    'security.critical': null,
    'security.high': null,
    'security.medium': null,
    'security.low': null,
  },
};
