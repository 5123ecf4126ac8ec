import { createReadStream, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { expect } from 'vitest';
import { LIMITS } from '../../src/limits.js';
import { EvidenceError } from '../../src/measure.js';
import type { ByteSource, NamedMetricSpec, ReadContext } from '../../src/readers/types.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** Third-party evidence files with upstream oracle counts, carried in the repository (origins and
 * licences in its NOTICE.md and LICENSES/) so that a fresh clone passes its tests with nothing beside it. */
export const CONFORMANCE = path.join(ROOT, '__tests__/fixtures/conformance');
export const FIXTURES = path.join(ROOT, '__tests__/fixtures');

export interface ManifestEntry {
  path: string;
  format: string;
  origin: string;
  notes: string;
  expected: Record<string, unknown> | null;
  expected_source?: string;
}

export function manifest(): ManifestEntry[] {
  return JSON.parse(readFileSync(path.join(CONFORMANCE, 'manifest.json'), 'utf8')) as ManifestEntry[];
}

/** Streams a file in small chunks so that readers are exercised across chunk boundaries. */
export function fileSource(file: string, highWaterMark = 4096): ByteSource {
  return createReadStream(file, { highWaterMark });
}

export function bytesSource(content: string | Uint8Array, chunkSize = 7): ByteSource {
  const bytes = typeof content === 'string' ? new TextEncoder().encode(content) : content;
  return (async function* () {
    for (let i = 0; i < bytes.length; i += chunkSize) yield bytes.subarray(i, i + chunkSize);
  })();
}

export function context(name: string, metrics: Record<string, NamedMetricSpec> = {}): ReadContext {
  return { name, metrics, limits: LIMITS };
}

/** The EvidenceError a read must end in (the test fails if it resolves or throws anything else). */
export async function evidenceError(promise: Promise<unknown>): Promise<EvidenceError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(EvidenceError);
  return err as EvidenceError;
}
