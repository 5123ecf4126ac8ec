/**
 * The commit a reading of the commit is compared with, per event — one rule for the two things
 * that compare: the base verdict (src/action/history.ts) and the change (src/action/changes.ts).
 *
 *   - pull requests: the merge base of the head and the PR's base commit (base.sha; the branch
 *     when that is unknown);
 *   - a merge group: its `base_sha` (under push or workflow_run, where the payload lacks it, the
 *     first parent of the group's commit);
 *   - a pushed branch: the push's `before` (unless the branch is new), else the first parent of
 *     the head (a workflow_run payload has no `before`);
 *   - a bare commit: its first parent.
 *
 * Pure: how each side finds a merge base or a first parent (the compare API, the Git database
 * API, local git) is its own.
 */
import type { GateContext } from '../github/context.js';
import type { Reading } from './event.js';

export type BaseOf =
  /** the merge base of `baseSha` (or the branch `ref` when the sha is unknown) and the head */
  | { kind: 'merge-base'; baseSha?: string; ref: string }
  /** this very commit */
  | { kind: 'sha'; sha: string; how: string }
  /** the first parent of the commit judged */
  | { kind: 'first-parent'; how: string };

export function baseOf(context: GateContext, reading: Reading): BaseOf {
  const { what } = reading;
  switch (what.kind) {
    case 'pull': {
      const baseSha = what.baseSha ?? reading.base?.sha;
      return { kind: 'merge-base', ref: what.ref, ...(baseSha !== undefined && { baseSha }) };
    }
    case 'merge-group':
      if (context.mergeGroup?.baseSha) return { kind: 'sha', sha: context.mergeGroup.baseSha, how: 'the base commit of the merge group (base_sha)' };
      return { kind: 'first-parent', how: 'the first parent of the merge group commit' };
    case 'branch':
      if (context.before) return { kind: 'sha', sha: context.before, how: 'the commit before the push (before)' };
      return { kind: 'first-parent', how: 'the first parent of the pushed commit' };
    case 'commit':
      return { kind: 'first-parent', how: 'the first parent of the commit' };
  }
}
