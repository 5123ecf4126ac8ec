/** The CLI's commands: the shell around run.ts (files in, files and stdout out). */
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { directorySource } from './evidence/directory.js';
import { LIMITS } from './limits.js';
import { formatPolicyError, loadPolicy, type PolicyError } from './policy/load.js';
import { policySchema } from './policy/schema.js';
import { formatBytes } from './readers/input.js';
import { renderJson } from './render/json.js';
import { renderMarkdown, renderUnusablePolicyMarkdown } from './render/markdown.js';
import { renderText } from './render/text.js';
import { runGate } from './run.js';

const EXIT = { pass: 0, fail: 1, usage: 2 } as const;

export interface CheckOptions {
  policy: string;
  evidence: string;
  profile?: string;
  branch?: string;
  json?: string;
  markdown?: string;
}

export async function check(options: CheckOptions): Promise<number> {
  const policyText = await readPolicy(options.policy);
  if (typeof policyText !== 'string') return reportPolicyErrors([policyText], options);
  const evidenceProblem = await stat(options.evidence).then(
    (s) => (s.isDirectory() ? undefined : `${options.evidence} is not a directory`),
    () => `evidence directory ${options.evidence} does not exist`,
  );
  if (evidenceProblem) process.stderr.write(`release-gate: warning: ${evidenceProblem}; every criterion will have no evidence\n`);
  const outcome = await runGate({
    policyText,
    policyFile: options.policy,
    source: directorySource(options.evidence),
    ...(options.profile !== undefined && { profile: options.profile }),
    ...(options.branch !== undefined && { branch: options.branch }),
    now: new Date(),
  });
  if (outcome.kind === 'policy-error') return reportPolicyErrors(outcome.errors, options);
  if (outcome.kind === 'usage-error') {
    process.stderr.write(`release-gate: ${outcome.message}\n`);
    await writeFailureReports(options, [outcome.message]);
    return EXIT.usage;
  }
  const { verdict } = outcome;
  process.stdout.write(renderText(verdict, options.policy));
  if (options.json !== undefined) await writeOutput(options.json, renderJson(verdict));
  if (options.markdown !== undefined) await writeOutput(options.markdown, renderMarkdown(verdict, { policyPath: options.policy }));
  return verdict.decision === 'pass' ? EXIT.pass : EXIT.fail;
}

export async function validate(file: string): Promise<number> {
  const text = await readPolicy(file);
  if (typeof text !== 'string') {
    process.stderr.write(`${formatPolicyError(text)}\n`);
    return EXIT.usage;
  }
  const loaded = loadPolicy(text, file);
  if (!loaded.ok) {
    for (const e of loaded.errors) process.stderr.write(`${formatPolicyError(e)}\n`);
    return EXIT.usage;
  }
  const { policy } = loaded;
  process.stdout.write(`${file}: valid — ${policy.criteria.length} criteria, ${policy.profiles.length} profiles\n`);
  return EXIT.pass;
}

export function schema(): string {
  const jsonSchema = z.toJSONSchema(policySchema, { io: 'input', unrepresentable: 'any' });
  return `${JSON.stringify({ ...jsonSchema, $id: 'https://github.com/release-gate/release-gate/schema/policy-v1.json', title: 'release-gate policy v1' }, null, 2)}\n`;
}

async function readPolicy(file: string): Promise<string | PolicyError> {
  const fail = (message: string): PolicyError => ({ file, line: 1, column: 1, message });
  try {
    const info = await stat(file);
    if (!info.isFile()) return fail('not a file');
    if (info.size > LIMITS.policyBytes) return fail(`policy is ${formatBytes(info.size)}, over the ${formatBytes(LIMITS.policyBytes)} cap (LIMITS.policyBytes)`);
    const text = new TextDecoder('utf-8', { fatal: true }).decode(await readFile(file));
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return fail('policy file not found; pass --policy with the path of your release-gate.yml');
    if (err instanceof TypeError) return fail('policy file is not valid UTF-8');
    return fail(`cannot read the policy: ${(err as Error).message}`);
  }
}

async function reportPolicyErrors(errors: PolicyError[], options: CheckOptions): Promise<number> {
  for (const e of errors) process.stderr.write(`${formatPolicyError(e)}\n`);
  process.stderr.write(`release-gate: the policy has ${errors.length} error${errors.length === 1 ? '' : 's'}; the gate fails until it is fixed\n`);
  await writeFailureReports(options, errors.map(formatPolicyError));
  return EXIT.usage;
}

/** Even when no verdict can be computed, the report files say so: a fail, with the reasons. */
async function writeFailureReports(options: CheckOptions, errors: string[]): Promise<void> {
  if (options.json !== undefined) {
    await writeOutput(options.json, `${JSON.stringify({ version: 1, decision: 'fail', score: 0, profile: options.profile ?? null, errors, criteria: [] }, null, 2)}\n`);
  }
  if (options.markdown !== undefined) {
    await writeOutput(options.markdown, renderUnusablePolicyMarkdown(errors));
  }
}

async function writeOutput(file: string, content: string): Promise<void> {
  await mkdir(path.dirname(path.resolve(file)), { recursive: true });
  await writeFile(file, content);
}
