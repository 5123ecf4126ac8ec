/**
 * A base verdict to compare with: its digest, and how it was found. Where it comes from is the
 * shell's business (the action looks on GitHub, the CLI reads `--baseline FILE`); the verdict only
 * needs what is here.
 */
import type { Digest } from './digest.js';

export interface Baseline {
  digest: Digest;
  /** how readers see the base named: "main @ 1a2b3c4", "baseline.json (1a2b3c4)" */
  label: string;
  /** how it was found, in a few words: "the merge base of the pull request, 2 commits back" */
  how: string;
}

/** The result of looking for a base verdict: one, or why there is none, and what was looked at. */
export interface BaselineLookup {
  baseline?: Baseline;
  /** why there is none (shown on every relative expectation that needed one) */
  reason?: string;
  /** one line per commit looked at, oldest last: "1a2b3c4: no release-gate verdict" */
  walk: string[];
  /** API requests the lookup made (the action's; counted in the summary) */
  apiCalls?: number;
  /** digests refused on the way (truncated, altered, another version): said in the log and report */
  warnings: string[];
}
