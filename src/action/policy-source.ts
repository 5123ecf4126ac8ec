/**
 * Where a reading's policy comes from. Judged against a base (a PR's, a merge group's, or the PR
 * a pushed commit heads), the policy is the base commit's copy, so the change under judgement
 * cannot weaken its own gate; the workspace's copy is only compared with it, and what it adds,
 * removes or loosens is shown. Otherwise (push, workflow_run, `policy-ref: head`) the workspace's.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { GateContext } from '../github/context.js';
import { httpStatus, type Octokit } from '../github/octokit.js';
import { diffPolicies, type PolicyChange } from '../policy/diff.js';
import { loadPolicy } from '../policy/load.js';
import { codeSpan, escapeMarkdown } from '../render/escape.js';
import type { PolicyBase } from './event.js';
import type { Inputs } from './inputs.js';

export interface PolicySource {
  text: string;
  file: string;
  /** the base the text was read from (none: the workspace) */
  base?: PolicyBase;
  /** how the workspace's copy differs from the base's */
  change?: PolicyChange;
  note?: string;
}

export async function readPolicySource(octokit: Octokit, context: GateContext, inputs: Inputs, wanted: PolicyBase | undefined): Promise<PolicySource> {
  const file = inputs.policy.replace(/^\.\//, '');
  const local = await readFile(path.resolve(process.env.GITHUB_WORKSPACE ?? '.', file), 'utf8').catch(() => undefined);
  const base = inputs.policyRef === 'head' ? undefined : wanted;
  if (!base) {
    if (local === undefined) throw new Error(`policy file ${file} not found in the workspace: check out the repository first (actions/checkout) or set the input policy`);
    return { text: local, file };
  }
  let text: string | undefined;
  try {
    const { data } = await octokit.rest.repos.getContent({ owner: context.owner, repo: context.repo, path: file, ref: base.sha ?? base.ref });
    if (Array.isArray(data) || data.type !== 'file' || !('content' in data)) throw new Error(`${file} on ${base.ref} is not a file`);
    text = Buffer.from(data.content, 'base64').toString('utf8');
  } catch (err) {
    if (httpStatus(err) !== 404) throw new Error(`could not read ${file} from the base branch ${base.ref}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  if (text === undefined) {
    if (local === undefined) throw new Error(`policy file ${file} is neither on the base branch ${base.ref} nor in the workspace`);
    return { text: local, file, note: `${file} is not on the base branch ${base.ref} yet: ${lowerFirst(base.subject)} is judged by the policy it adds.` };
  }
  const source: PolicySource = { text, file, base };
  if (local !== undefined && local !== text) {
    const [before, after] = [loadPolicy(text, file), loadPolicy(local, file)];
    source.change = before.ok && after.ok ? diffPolicies(before.policy, after.policy) : { added: [], removed: [], loosened: after.ok ? [] : ['the changed policy has errors'], waivers: [] };
  }
  return source;
}

/** The Markdown notes a policy source adds to the report: its change, or where it came from. */
export function policySourceNotes(source: PolicySource): string[] {
  const notes: string[] = [];
  if (source.note) notes.push(`> [!NOTE]\n> ${escapeMarkdown(source.note, 500)}\n`);
  if (source.change && source.base) {
    const lines = [`> [!WARNING]\n> ${source.base.subject} changes ${codeSpan(source.file)}. It is judged by the policy of the base branch; the change takes effect once merged.`];
    const list = (label: string, items: string[]) => {
      if (items.length > 0) lines.push(`> - ${label}: ${items.map((i) => escapeMarkdown(i, 200)).join('; ')}`);
    };
    list('criteria added', source.change.added);
    list('criteria removed', source.change.removed);
    list('loosened', source.change.loosened);
    // a change cannot waive its own failures: its waivers count from the merge on
    list('waivers added or extended (not used until merged)', source.change.waivers);
    notes.push(`${lines.join('\n')}\n`);
  }
  return notes;
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
