/**
 * Every resource cap of release-gate, in one place. Artifact contents are hostile input: each cap
 * turns a would-be exhaustion into a clear "missing" reason that names the cap.
 */
export const LIMITS = {
  /** Largest single evidence file read (streaming formats). */
  fileBytes: 2 * 1024 ** 3,
  /** Largest file read whole into memory (JSON, YAML, SARIF, k6, policy). */
  wholeDocumentBytes: 256 * 1024 ** 2,
  /** Sum of all evidence bytes read in one run. */
  totalEvidenceBytes: 8 * 1024 ** 3,
  /** Files matched by one criterion. */
  filesPerCriterion: 10_000,
  /**
   * Values (objects, arrays, strings, numbers, YAML nodes) a whole-document reader may build from one
   * file: this many, plus one per `documentBytesPerValue` bytes of the file. A value costs a hundred
   * bytes or more of memory, far more than its few bytes of text, so a dense document (`[{},{},…]`,
   * `- {}` lines) is refused with this reason instead of exhausting the heap. Readers build only
   * what they read (SARIF streams its results, a JSONPath of names builds only its path).
   */
  documentValues: 200_000,
  /** See documentValues (JSON; YAML nodes cost more: see yaml.ts). */
  documentBytesPerValue: 32,
  /** Element nesting depth in XML, JSON and YAML evidence. */
  nestingDepth: 512,
  /** Named metrics per criterion. */
  metricsPerCriterion: 100,
  /** Longest single piece of XML markup (a start tag with its attributes, a DOCTYPE) held in memory. */
  markupBytes: 64 * 1024 ** 2,
  /** Longest line of line-oriented evidence (text, lcov). */
  lineBytes: 1024 ** 2,
  /** Policy file size. */
  policyBytes: 1024 ** 2,
  /**
   * Artifact zips (the action unzips them itself): entries in one artifact, directories included.
   * Each file in it is also held to fileBytes, and all artifacts together to totalEvidenceBytes.
   */
  zipEntries: 10_000,
  /** Uncompressed bytes of one artifact (its zip's size, as GitHub lists it, too). */
  artifactBytes: 8 * 1024 ** 3,
  /**
   * Largest decompression ratio (uncompressed : compressed), per zip entry and for a whole artifact.
   * Deflate tops out near 1,032:1, so only a crafted or degenerate zip reaches it.
   */
  zipRatio: 1_000,
  /**
   * Identities of failing tests (or counted SARIF findings) kept per criterion, to compare with a
   * base commit's verdict (src/readers/identity.ts). Beyond it the identities are incomplete and
   * failed.new / results.new are absent, never guessed.
   */
  failingIdentities: 2_000,
} as const;

export type Limits = { readonly [K in keyof typeof LIMITS]: number };
