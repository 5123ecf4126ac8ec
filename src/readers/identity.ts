/**
 * Identities of failing tests and SARIF findings, so that a verdict can be compared with a base
 * commit's: which failures are new, which were fixed.
 *
 * An identity is a short hash of what names a failure across commits, never of where it broke:
 * - a test: its suite (what the format shows as the failing test's suite: JUnit classname, NUnit
 *   fixture, describe path, Go package…, '' when it has none) and its name; not its file, line or
 *   message, which move between commits;
 * - a SARIF finding: its rule id and its `partialFingerprints`, else its `fingerprints`, else its
 *   first location's uri and start line and its message text (see sarif.ts).
 *
 * `identityOf` hashes the parts with sha256 after NFC normalisation and trimming each one, joined by
 * U+0000, and keeps the first 8 bytes as base64url (11 characters): 2,000 identities collide with
 * odds of about 1 in 10^13.
 *
 * Bounded: FailingIdentities keeps at most `cap` (LIMITS.failingIdentities) identities. Past it, or
 * when a failing test has no name (or is only declared by a count), the identities are incomplete:
 * a comparison must then say it does not know, never guess from part of the list.
 */
import { createHash } from 'node:crypto';
import { LIMITS } from '../limits.js';

/** The identity of a failing test or finding from the parts that name it (see the file comment). */
export function identityOf(parts: readonly string[]): string {
  const hash = createHash('sha256');
  for (let i = 0; i < parts.length; i++) {
    if (i > 0) hash.update('\u0000');
    hash.update(parts[i]!.normalize('NFC').trim(), 'utf8');
  }
  return hash.digest().subarray(0, 8).toString('base64url');
}

/** How many failing tests or findings are identified, per identity the cap allows. */
export const TOLD_PER_IDENTITY = 10;

/**
 * The identities of one model's failing tests or findings, up to a cap, and whether every one of
 * them got one. Each failing test or finding is told to it once: `add` with its identity parts, or
 * `miss` when it has none (unnamed, declared only, past the cap).
 */
export class FailingIdentities {
  private readonly ids = new Set<string>();
  private missed = false;
  /** failing tests or findings told with an identity so far, repeats included */
  #told = 0;

  constructor(readonly cap: number = LIMITS.failingIdentities) {}

  /**
   * No room for another identity: a reader stops decoding names and calls `miss` instead. Also
   * after TOLD_PER_IDENTITY × cap tests or findings were told, however few distinct ones: a log of
   * millions of alike results would otherwise have every one of them built and hashed (the
   * identities are then incomplete, and failed.new absent, never guessed).
   */
  get full(): boolean {
    return this.ids.size >= this.cap || this.#told >= this.cap * TOLD_PER_IDENTITY;
  }

  /** Every failing test or finding told so far has its identity here. */
  get complete(): boolean {
    return !this.missed;
  }

  get size(): number {
    return this.ids.size;
  }

  /** One failing test or finding by the parts that name it; null: it has no identity. */
  add(parts: readonly string[] | null): void {
    if (parts === null) this.missed = true;
    else this.addIdentity(identityOf(parts));
  }

  /** One failing test or finding by its identity (identityOf), computed before. */
  addIdentity(id: string): void {
    this.#told++;
    if (this.ids.has(id)) return;
    if (this.ids.size >= this.cap) this.missed = true;
    else this.ids.add(id);
  }

  /** One failing test or finding that gets no identity. */
  miss(): void {
    this.missed = true;
  }

  has(id: string): boolean {
    return this.ids.has(id);
  }

  /** Sorted, unique. */
  list(): string[] {
    return [...this.ids].sort();
  }

  /** The identities of several models (the files of one criterion): complete when each is and the union fits the cap. */
  static union(sets: readonly FailingIdentities[]): FailingIdentities {
    const out = new FailingIdentities(sets.length === 0 ? LIMITS.failingIdentities : Math.min(...sets.map((s) => s.cap)));
    for (const s of sets) {
      if (s.missed) out.missed = true;
      for (const id of s.ids) out.addIdentity(id);
    }
    return out;
  }
}
