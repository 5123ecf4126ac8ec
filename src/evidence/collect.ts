import { createHash } from 'node:crypto';
import { LIMITS, type Limits } from '../limits.js';
import { EvidenceError, type Metrics } from '../measure.js';
import type { Criterion } from '../policy/load.js';
import { FORMATS } from '../readers/index.js';
import { formatBytes } from '../readers/input.js';
import type { ByteSource, Failures, Format, Waivable } from '../readers/types.js';
import { sarifWaivable, type SarifModel } from '../readers/sarif.js';
import type { EvidenceFile, EvidenceSource, Provenance } from './types.js';
import type { ChangeInput } from '../changes/diff.js';
import { patchCoverage, RepositoryIndex, type PathRewrite, type PatchCoverage } from '../changes/patch.js';

/** What was found and read for one criterion; the verdict is computed from this alone. */
export interface CriterionEvidence {
  files: Provenance[];
  /** the merged metrics, when every matched file was read */
  metrics?: Metrics;
  /** per-metric reasons from readers, e.g. why a named metric is absent */
  notes?: Record<string, string>;
  /** why there is no usable evidence: nothing matched, a file could not be read, a cap was hit */
  problem?: string;
  /** the format holds test results, so zero tests is no evidence (see the verdict) */
  testResults?: true;
  /** the failing tests or findings of the merged model, when the format names them and there are any */
  failures?: Failures;
  /** patch coverage of a line-level coverage format, when the change is known */
  patch?: PatchCoverage;
  /** what the criterion's narrow waivers of findings match (SARIF `rules:` / `fingerprints:`), for the evaluation to subtract */
  waivable?: Waivable;
}

/** What the run knows beside the evidence: the change (for patch coverage) and the policy's path rewrites. */
export interface CollectContext {
  change?: ChangeInput;
  pathMap?: readonly PathRewrite[];
}

/** Shared across criteria so the total-evidence cap holds for a whole run. */
export interface ReadBudget {
  bytesLeft: number;
}

export function newBudget(limits: Limits = LIMITS): ReadBudget {
  return { bytesLeft: limits.totalEvidenceBytes };
}

export async function collectEvidence(
  criterion: Criterion,
  source: EvidenceSource,
  budget: ReadBudget,
  limits: Limits = LIMITS,
  context: CollectContext = {},
): Promise<CriterionEvidence> {
  const query = criterion.evidence.artifact === undefined ? { path: criterion.evidence.path } : { artifact: criterion.evidence.artifact, path: criterion.evidence.path };
  let found;
  try {
    found = await source.find(query);
  } catch (err) {
    return { files: [], problem: `could not list evidence: ${(err as Error).message}` };
  }
  const { files } = found;
  if (files.length === 0) return { files: [], problem: found.emptyReason };
  if (files.length > limits.filesPerCriterion) {
    return { files: [], problem: `${files.length} files matched; more than the ${limits.filesPerCriterion} allowed per criterion (LIMITS.filesPerCriterion) — narrow the evidence path` };
  }
  const format = FORMATS[criterion.evidence.format] as Format<unknown>;
  const provenance: Provenance[] = [];
  const models: unknown[] = [];
  for (const file of files) {
    const record = provenanceOf(file);
    provenance.push(record);
    const name = displayName(file);
    if (file.bytes > limits.fileBytes) {
      return { files: provenance, problem: `${name} is ${formatBytes(file.bytes)}, over the ${formatBytes(limits.fileBytes)} cap per file (LIMITS.fileBytes)` };
    }
    if (file.bytes > budget.bytesLeft) {
      return { files: provenance, problem: `reading ${name} would exceed the ${formatBytes(limits.totalEvidenceBytes)} cap on all evidence (LIMITS.totalEvidenceBytes)` };
    }
    budget.bytesLeft -= file.bytes;
    const hashed = hashing(file.open(), limits.fileBytes);
    try {
      models.push(await format.read(hashed.source, { name, metrics: criterion.metrics, limits, ...(criterion.findingWaivers && { waivers: criterion.findingWaivers }) }));
      record.sha256 = await hashed.finish();
    } catch (err) {
      await hashed.finish().then((sha) => (record.sha256 = sha), () => undefined);
      return { files: provenance, problem: unreadable(name, criterion.evidence.format, err) };
    }
  }
  try {
    const merged = models.length === 1 ? models[0] : format.merge(models);
    const result: CriterionEvidence = { files: provenance, metrics: format.metrics(merged) };
    if (format.testResults) result.testResults = true;
    const notes = format.notes?.(merged);
    if (notes && Object.keys(notes).length > 0) result.notes = notes;
    const failures = format.failures?.(merged);
    if (failures && failures.total > 0) result.failures = failures;
    const waivable = criterion.findingWaivers && criterion.evidence.format === 'sarif' ? sarifWaivable(merged as SarifModel) : undefined;
    if (waivable) result.waivable = waivable;
    const changes = context.change?.changes;
    if (format.lineCoverage && changes) {
      const repository = new RepositoryIndex(context.change?.repository ?? changes.files.keys());
      result.patch = patchCoverage(format.lineCoverage(merged), changes, repository, context.pathMap, format.branchLines === true);
      Object.assign(result.metrics!, result.patch.metrics);
    }
    return result;
  } catch (err) {
    return { files: provenance, problem: unreadable(`${files.length} ${criterion.evidence.format} files`, criterion.evidence.format, err) };
  }
}

export function displayName(file: Pick<Provenance, 'artifact' | 'path'>): string {
  return file.artifact === undefined ? file.path : `${file.artifact}/${file.path}`;
}

function provenanceOf(file: EvidenceFile): Provenance {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { open, ...record } = file;
  return { ...record };
}

function unreadable(name: string, format: string, err: unknown): string {
  if (err instanceof EvidenceError) {
    const where = err.position ? `:${err.position.line}${err.position.column !== undefined ? `:${err.position.column}` : ''}` : '';
    return `${name}${where}: unreadable as ${format}: ${err.message}`;
  }
  // not an evidence problem but a fault: still never a pass, and the reason says so
  return `${name}: reading failed: ${err instanceof Error ? err.message : String(err)}`;
}

/**
 * Wraps a byte source so the sha256 of the whole file is known after reading, even when the reader
 * stopped early, and so a file that grows past the cap while being read is cut off.
 */
function hashing(input: ByteSource, maxBytes: number): { source: ByteSource; finish(): Promise<string> } {
  const hash = createHash('sha256');
  const iterator = input[Symbol.asyncIterator]();
  let seen = 0;
  const take = (chunk: Uint8Array) => {
    seen += chunk.byteLength;
    if (seen > maxBytes) throw new EvidenceError(`file grew past the ${formatBytes(maxBytes)} cap while being read (LIMITS.fileBytes)`);
    hash.update(chunk);
  };
  let done = false;
  const source: ByteSource = {
    [Symbol.asyncIterator]() {
      return {
        async next() {
          const step = await iterator.next();
          if (step.done) done = true;
          else take(step.value);
          return step;
        },
        async return() {
          return { done: true, value: undefined };
        },
      };
    },
  };
  return {
    source,
    async finish() {
      while (!done) {
        const step = await iterator.next();
        if (step.done) done = true;
        else take(step.value);
      }
      return hash.digest('hex');
    },
  };
}
