/**
 * The verdict as an in-toto Statement v1 whose predicate is a SLSA Verification Summary (VSA v1):
 * what a deploy system checks to know that this exact commit passed this exact policy. Signing and
 * storing it is GitHub's (actions/attest; `gh attestation verify`): see docs/recipes.md.
 *
 * VSA fields: verifier (release-gate and its version), timeVerified, resourceUri (the repository at
 * the commit), policy (its path and sha256), verificationResult, verifiedLevels. What VSA has no
 * field for travels in extension fields named by URIs, as its parsing rules allow: the status of
 * every criterion and the sha256 of every evidence file read.
 */
import { createHash } from 'node:crypto';
import { displayName } from '../evidence/collect.js';
import type { Verdict } from '../verdict/evaluate.js';

export const STATEMENT_TYPE = 'https://in-toto.io/Statement/v1';
export const VSA_PREDICATE_TYPE = 'https://slsa.dev/verification_summary/v1';
export const VERIFIER_ID = 'https://github.com/release-gate/release-gate';
/** Extension fields (VSA parsing rules: producers MAY add fields whose names are URIs). */
export const CRITERIA_FIELD = `${VERIFIER_ID}/criteria`;
export const EVIDENCE_FIELD = `${VERIFIER_ID}/evidence`;
/** verifiedLevels of a pass: a custom SlsaResult (custom values must not start with SLSA_). */
export const PASSED_LEVEL = 'RELEASE_GATE_POLICY_PASSED';

export interface ResourceDescriptor {
  name?: string;
  uri?: string;
  digest: Record<string, string>;
}

export interface Statement {
  _type: typeof STATEMENT_TYPE;
  subject: ResourceDescriptor[];
  predicateType: typeof VSA_PREDICATE_TYPE;
  predicate: Record<string, unknown>;
}

export interface AttestationMeta {
  version: string;
  time: Date;
  /** the judged commit (a subject, by gitCommit digest) */
  commit?: string;
  /** the repository's URL (https://github.com/owner/repo), for resourceUri */
  repositoryUrl?: string;
  policyPath: string;
  /** how to name the policy when the repository is not known (a file: URL) */
  policyUri?: string;
  policyText: string;
  /** files the user names (release artifacts), by their sha256 */
  subjects: Array<{ name: string; sha256: string }>;
}

export function sha256Hex(bytes: string | Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function attestationOf(verdict: Verdict, meta: AttestationMeta): Statement {
  const repository = meta.repositoryUrl?.replace(/\/+$/, '');
  const at = meta.commit !== undefined ? `@${meta.commit}` : '';
  const resourceUri = repository !== undefined ? `git+${repository}${at}` : `urn:release-gate:unknown-repository${at}`;
  const subject: ResourceDescriptor[] = [];
  if (meta.commit !== undefined) subject.push({ ...(repository !== undefined && { uri: `git+${repository}` }), name: `commit ${meta.commit}`, digest: { gitCommit: meta.commit } });
  for (const s of meta.subjects) subject.push({ name: s.name, digest: { sha256: s.sha256 } });
  const passed = verdict.decision === 'pass';
  const evidence = verdict.criteria.flatMap((c) =>
    c.evidence.filter((e) => e.sha256 !== undefined).map((e) => ({ name: displayName(e), digest: { sha256: e.sha256! }, annotations: { criterion: c.id } })),
  );
  return {
    _type: STATEMENT_TYPE,
    subject,
    predicateType: VSA_PREDICATE_TYPE,
    predicate: {
      verifier: { id: VERIFIER_ID, version: { 'release-gate': meta.version } },
      timeVerified: meta.time.toISOString(),
      resourceUri,
      policy: {
        uri: repository !== undefined && meta.commit !== undefined ? `git+${repository}@${meta.commit}#${meta.policyPath}` : (meta.policyUri ?? `urn:release-gate:policy:${encodeURIComponent(meta.policyPath)}`),
        digest: { sha256: sha256Hex(meta.policyText) },
      },
      verificationResult: passed ? 'PASSED' : 'FAILED',
      verifiedLevels: [passed ? PASSED_LEVEL : 'FAILED'],
      slsaVersion: '1.0',
      [CRITERIA_FIELD]: {
        policy: verdict.policy,
        ...(verdict.profile !== undefined && { profile: verdict.profile }),
        score: verdict.score,
        summary: verdict.summary,
        criteria: verdict.criteria.map((c) => ({ id: c.id, status: c.status, required: c.required, reason: c.reason })),
      },
      [EVIDENCE_FIELD]: evidence,
    },
  };
}
