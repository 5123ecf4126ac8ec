/**
 * The pipeline both entries drive: policy text and an evidence source in, a verdict out.
 * It opens no files and reads no environment; the CLI and the action supply both.
 */
import { collectEvidence, newBudget, type CriterionEvidence } from './evidence/collect.js';
import type { EvidenceSource } from './evidence/types.js';
import type { BaselineLookup } from './history/baseline.js';
import type { ChangeInput } from './changes/diff.js';
import { loadPolicy, type Policy, type PolicyError } from './policy/load.js';
import { criteriaInProfile, evaluate, selectProfile, type Verdict } from './verdict/evaluate.js';

export interface GateInput {
  policyText: string;
  /** how messages name the policy file */
  policyFile: string;
  source: EvidenceSource;
  profile?: string;
  branch?: string;
  now: Date;
  /** the base verdict to compare with (or why there is none); absent: no base was looked for */
  baseline?: BaselineLookup;
  /** what the change touches (or why that is unknown); absent: no change was looked at */
  change?: ChangeInput;
}

export type GateOutcome =
  | { kind: 'policy-error'; errors: PolicyError[] }
  | { kind: 'usage-error'; message: string; policy: Policy }
  | { kind: 'verdict'; policy: Policy; verdict: Verdict };

export async function runGate(input: GateInput): Promise<GateOutcome> {
  const loaded = loadPolicy(input.policyText, input.policyFile);
  if (!loaded.ok) return { kind: 'policy-error', errors: loaded.errors };
  return evaluatePolicy(loaded.policy, input);
}

/** The gate on an already loaded policy (the action loads it first, to know which artifacts to fetch). */
export async function evaluatePolicy(policy: Policy, input: Omit<GateInput, 'policyText' | 'policyFile'>): Promise<GateOutcome> {
  const choice = selectProfile(policy, input);
  if ('error' in choice) return { kind: 'usage-error', message: choice.error, policy };
  const budget = newBudget();
  const evidence = new Map<string, CriterionEvidence>();
  for (const criterion of criteriaInProfile(policy, choice.profile)) {
    evidence.set(criterion.id, await collectEvidence(criterion, input.source, budget, undefined, { ...(input.change && { change: input.change }), pathMap: policy.pathMap }));
  }
  return { kind: 'verdict', policy, verdict: evaluate(policy, choice.profile, evidence, input.now, input.baseline, input.change) };
}
