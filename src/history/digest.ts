/**
 * The verdict digest: what a later run needs to compare itself with this one, compact and
 * versioned. The action hides it, compressed, in the check run's `output.text` (readable later with
 * the `checks: read` the workflow already has); the JSON report carries it as an object, which is
 * what `release-gate check --baseline FILE` reads.
 *
 * Pure: encode and decode only. Finding a digest on GitHub is the action's business.
 *
 * A digest is input from the outside when it is read back: a truncated, altered or oversized one
 * is refused with a reason (never partly trusted), and its shape is checked field by field.
 */
import { createHash } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { z } from 'zod';
import type { Unit } from '../measure.js';

export const DIGEST_VERSION = 1;
/** Verdicts of the branch kept in a digest for the trend (this one included). */
export const TREND_POINTS = 20;
/** Characters the encoded digest may take: room is left in the check run's 65,535 for the visible text. */
export const DIGEST_BUDGET = 40_000;
/** Largest decoded digest: a digest within the budget never inflates beyond this. */
const INFLATED_MAX = 4 * 1024 * 1024;

export interface DigestFailing {
  /** identities of the failing tests or counted findings (src/readers/identity.ts), sorted */
  ids: string[];
  /** false when not every failing test or finding has an identity here */
  complete: boolean;
}

export interface DigestCriterion {
  status: 'passed' | 'failed' | 'missing' | 'not-applicable' | 'waived';
  metrics: Record<string, number>;
  units: Record<string, Unit>;
  failing?: DigestFailing;
}

export interface TrendPoint {
  /** absent when the verdict was made outside a repository (the CLI without git) */
  commit?: string;
  /** when the verdict was made (ISO 8601) */
  time: string;
  decision: 'pass' | 'fail';
  score: number;
  /** `criterion.metric` → value, for the metrics the policy states expectations on */
  metrics: Record<string, number>;
}

export interface Digest {
  version: typeof DIGEST_VERSION;
  /** the judged commit; absent when the CLI ran outside a repository */
  commit?: string;
  /** the branch the verdict was made for, when known */
  branch?: string;
  time: string;
  policy: { name: string; sha256: string };
  profile?: string;
  decision: 'pass' | 'fail';
  score: number;
  criteria: Record<string, DigestCriterion>;
  /** the last verdicts of the branch, oldest first, this one last */
  trend: TrendPoint[];
}

const MARK = 'release-gate-digest';
/** `<!-- release-gate-digest v1 <chars> <sha256 prefix> <base64> -->` */
const ENCODED = /<!-- release-gate-digest v(\d+) (\d+) ([0-9a-f]{16}) ([A-Za-z0-9+/=]*) -->/;

const units = z.enum(['ms', 's', 'm', 'h', 'd', 'B', 'KB', 'MB', 'GB', 'KiB', 'MiB', 'GiB', '%', 'ratio']);
const name = z.string().max(200);
const finite = z.number().refine(Number.isFinite);
const digestSchema = z.strictObject({
  version: z.literal(DIGEST_VERSION),
  commit: z.string().regex(/^[0-9a-f]{7,64}$/).optional(),
  branch: z.string().max(255).optional(),
  time: z.iso.datetime(),
  policy: z.strictObject({ name: z.string().max(200), sha256: z.string().regex(/^[0-9a-f]{64}$/) }),
  profile: z.string().max(100).optional(),
  decision: z.enum(['pass', 'fail']),
  score: finite,
  criteria: z.record(
    name,
    z.strictObject({
      status: z.enum(['passed', 'failed', 'missing', 'not-applicable', 'waived']),
      metrics: z.record(name, finite),
      units: z.record(name, units),
      failing: z.strictObject({ ids: z.array(z.string().regex(/^[A-Za-z0-9_-]{11}$/)).max(100_000), complete: z.boolean() }).optional(),
    }),
  ),
  trend: z
    .array(
      z.strictObject({
        commit: z.string().regex(/^[0-9a-f]{7,64}$/).optional(),
        time: z.iso.datetime(),
        decision: z.enum(['pass', 'fail']),
        score: finite,
        metrics: z.record(name, finite),
      }),
    )
    .max(1_000),
});

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** What was left out to fit the budget, for the log. */
export interface Fitted {
  text: string;
  /** e.g. "failing-test identities of unit" — empty when the whole digest fit */
  dropped: string[];
}

/**
 * The digest as a hidden Markdown comment. Trend points, then failing-test identities (largest
 * first, marked incomplete), then the whole trend are left out until it fits DIGEST_BUDGET; a digest
 * that cannot fit even then is not written (a later run finds no base, which is never a pass).
 */
export function encodeDigest(digest: Digest, budget = DIGEST_BUDGET): Fitted | { error: string } {
  const working: Digest = structuredClone(digest);
  const dropped: string[] = [];
  let text = encode(working);
  while (text.length > budget && working.trend.length > 5) {
    working.trend.splice(0, working.trend.length - Math.max(5, Math.floor(working.trend.length / 2)));
    text = encode(working);
    if (!dropped.includes('older trend points')) dropped.push('older trend points');
  }
  const withIds = () =>
    Object.entries(working.criteria)
      .filter(([, c]) => c.failing !== undefined && c.failing.ids.length > 0)
      .sort((a, b) => b[1].failing!.ids.length - a[1].failing!.ids.length);
  for (let largest = withIds()[0]; text.length > budget && largest !== undefined; largest = withIds()[0]) {
    largest[1].failing = { ids: [], complete: false };
    dropped.push(`failing identities of ${largest[0]}`);
    text = encode(working);
  }
  if (text.length > budget && working.trend.length > 1) {
    working.trend = working.trend.slice(-1);
    dropped.push('the trend');
    text = encode(working);
  }
  if (text.length > budget) return { error: `the verdict digest needs ${text.length} characters, more than the ${budget} a check run can hold beside its report` };
  return { text, dropped };
}

function encode(digest: Digest): string {
  const json = JSON.stringify(digest);
  const packed = deflateRawSync(Buffer.from(json, 'utf8'), { level: 9 }).toString('base64');
  const head = `${MARK} v${digest.version} ${packed.length} ${sha256(packed).slice(0, 16)}`;
  return `<!-- ${head} ${packed} -->`;
}

/**
 * Finds and checks a digest in a check run's text. Returns the digest, nothing (no digest there),
 * or why the one there is refused: truncated, altered, of another version, or of the wrong shape.
 */
export function decodeDigest(text: string | null | undefined): { digest: Digest } | { error: string } | undefined {
  if (typeof text !== 'string') return undefined;
  const at = text.indexOf(`<!-- ${MARK} `);
  if (at === -1) return undefined;
  const match = ENCODED.exec(text.slice(at, at + DIGEST_BUDGET * 2));
  if (!match) return { error: 'the verdict digest is cut off or malformed (the check run text was truncated or edited)' };
  const [, version, length, checksum, packed] = match;
  if (Number(version) !== DIGEST_VERSION) {
    const older = Number(version) < DIGEST_VERSION;
    return { error: `the verdict digest is version ${version}, written by ${older ? 'an older' : 'a newer'} release-gate; this one reads version ${DIGEST_VERSION}` };
  }
  if (packed!.length !== Number(length)) return { error: `the verdict digest is truncated (${packed!.length} of ${length} characters)` };
  if (sha256(packed!).slice(0, 16) !== checksum) return { error: 'the verdict digest does not match its checksum (it was altered)' };
  let json: unknown;
  try {
    const inflated = inflateRawSync(Buffer.from(packed!, 'base64'), { maxOutputLength: INFLATED_MAX });
    json = JSON.parse(inflated.toString('utf8'));
  } catch (err) {
    return { error: `the verdict digest cannot be unpacked: ${(err as Error).message}` };
  }
  return parseDigest(json);
}

/** Checks a digest object (from a JSON report, or unpacked) field by field. */
export function parseDigest(json: unknown): { digest: Digest } | { error: string } {
  if (typeof json === 'object' && json !== null && 'version' in json && json.version !== DIGEST_VERSION) {
    const v = (json as { version: unknown }).version;
    return { error: `the verdict digest is version ${String(v)}; this release-gate reads version ${DIGEST_VERSION}` };
  }
  const parsed = digestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { error: `the verdict digest is not valid: ${issue.path.join('.') || '(top)'}: ${issue.message}` };
  }
  return { digest: parsed.data as Digest };
}
