import type { ByteSource } from '../readers/types.js';

/** Where one file of evidence came from: what the JSON report records for every file used. */
export interface Provenance {
  /** artifact (sub-folder) name, when the criterion names artifacts */
  artifact?: string;
  /** path inside the artifact, or inside the evidence root */
  path: string;
  bytes: number;
  sha256?: string;
  /** ISO time the evidence was made: the file's mtime, or the artifact's creation time */
  modified: string;
  /** set by the action for downloaded artifacts */
  artifactId?: number;
  runId?: number;
  headSha?: string;
}

export interface EvidenceFile extends Provenance {
  open(): ByteSource;
}

export interface EvidenceQuery {
  artifact?: string;
  path: string;
}

export interface FoundEvidence {
  files: EvidenceFile[];
  /** when nothing matched: a sentence saying what was looked for where, for the reason people read */
  emptyReason: string;
}

/** A place evidence comes from: a directory (CLI) or the run's artifacts (action). */
export interface EvidenceSource {
  find(query: EvidenceQuery): Promise<FoundEvidence>;
}
