/** The action's inputs (action.yml), read and checked once. */
import * as core from '@actions/core';
import { FETCH_HISTORY_DEPTH } from './changes.js';
import { BASELINE_DEPTH, BASELINE_DEPTH_MAX, TRUSTED_APP } from './history.js';

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
  /** look for the base verdict (input baseline) */
  baseline: boolean;
  /** first parents followed past the base commit (input baseline-depth) */
  baselineDepth: number;
  /** apps whose check runs may hold a base verdict (input baseline-apps; default github-actions) */
  baselineApps: string[];
  /** commits of history to fetch when the checkout does not reach the base of the change (input fetch-history; 0: never) */
  fetchHistory: number;
  /** release artifacts the attestation names (input attestation-subjects: paths in the workspace, one a line) */
  attestationSubjects: string[];
}

export function readInputs(): Inputs {
  const comment = core.getInput('comment') || 'auto';
  if (!['auto', 'always', 'on-failure', 'never'].includes(comment)) throw new Error(`input comment must be auto, always, on-failure or never (got "${comment}")`);
  const policyRef = core.getInput('policy-ref') || 'base';
  if (policyRef !== 'base' && policyRef !== 'head') throw new Error(`input policy-ref must be base or head (got "${policyRef}")`);
  const runId = core.getInput('run-id');
  if (runId && !/^\d+$/.test(runId)) throw new Error(`input run-id must be a run's number (got "${runId}")`);
  const baseline = (core.getInput('baseline') || 'true').toLowerCase();
  if (baseline !== 'true' && baseline !== 'false') throw new Error(`input baseline must be true or false (got "${baseline}")`);
  const depth = core.getInput('baseline-depth') || String(BASELINE_DEPTH);
  if (!/^\d{1,3}$/.test(depth) || Number(depth) > BASELINE_DEPTH_MAX) throw new Error(`input baseline-depth must be a number of commits from 0 to ${BASELINE_DEPTH_MAX} (got "${depth}")`);
  const apps = core
    .getInput('baseline-apps')
    .split(/[\s,]+/)
    .filter(Boolean);
  for (const app of apps) if (!/^[a-z0-9][a-z0-9-]{0,99}$/i.test(app)) throw new Error(`input baseline-apps must list GitHub App slugs (letters, digits and dashes), separated by commas or new lines (got "${app.slice(0, 100)}")`);
  const fetchHistory = (core.getInput('fetch-history') || 'false').toLowerCase();
  if (!/^(?:true|false|\d{1,6})$/.test(fetchHistory)) throw new Error(`input fetch-history must be true, false or a number of commits (got "${fetchHistory.slice(0, 100)}")`);
  const inputs: Inputs = {
    policy: core.getInput('policy') || '.github/release-gate.yml',
    token: core.getInput('token'),
    comment: comment as CommentMode,
    policyRef,
    fail: (core.getInput('fail') || 'true').toLowerCase() !== 'false',
    baseline: baseline === 'true',
    baselineDepth: Number(depth),
    // the list replaces the default: with an App token, the check runs any workflow's GITHUB_TOKEN can write are not trusted
    baselineApps: apps.length > 0 ? [...new Set(apps.map((a) => a.toLowerCase()))] : [TRUSTED_APP],
    fetchHistory: fetchHistory === 'true' ? FETCH_HISTORY_DEPTH : fetchHistory === 'false' ? 0 : Number(fetchHistory),
    attestationSubjects: core
      .getInput('attestation-subjects')
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean),
  };
  if (core.getInput('evidence-dir')) inputs.evidenceDir = core.getInput('evidence-dir');
  if (runId) inputs.runId = Number(runId);
  if (core.getInput('profile')) inputs.profile = core.getInput('profile');
  if (core.getInput('check-name')) inputs.checkName = core.getInput('check-name');
  return inputs;
}
