/** The action's inputs (action.yml), read and checked once. */
import * as core from '@actions/core';

export type CommentMode = 'auto' | 'always' | 'on-failure' | 'never';

export interface Inputs {
  policy: string;
  token: string;
  evidenceDir?: string;
  runId?: number;
  profile?: string;
  checkName?: string;
  comment: CommentMode;
  policyRef: 'base' | 'head';
  fail: boolean;
}

export function readInputs(): Inputs {
  const comment = core.getInput('comment') || 'auto';
  if (!['auto', 'always', 'on-failure', 'never'].includes(comment)) throw new Error(`input comment must be auto, always, on-failure or never (got "${comment}")`);
  const policyRef = core.getInput('policy-ref') || 'base';
  if (policyRef !== 'base' && policyRef !== 'head') throw new Error(`input policy-ref must be base or head (got "${policyRef}")`);
  const runId = core.getInput('run-id');
  if (runId && !/^\d+$/.test(runId)) throw new Error(`input run-id must be a run's number (got "${runId}")`);
  const inputs: Inputs = {
    policy: core.getInput('policy') || '.github/release-gate.yml',
    token: core.getInput('token'),
    comment: comment as CommentMode,
    policyRef,
    fail: (core.getInput('fail') || 'true').toLowerCase() !== 'false',
  };
  if (core.getInput('evidence-dir')) inputs.evidenceDir = core.getInput('evidence-dir');
  if (runId) inputs.runId = Number(runId);
  if (core.getInput('profile')) inputs.profile = core.getInput('profile');
  if (core.getInput('check-name')) inputs.checkName = core.getInput('check-name');
  return inputs;
}
