/** The CLI's commands: the shell around run.ts (files in, files and stdout out). */
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { directorySource } from './evidence/directory.js';
import { LIMITS } from './limits.js';
import { formatPolicyError, loadPolicy, type PolicyError } from './policy/load.js';
import { policySchema } from './policy/schema.js';
import { formatBytes } from './readers/input.js';
import { renderJson, renderNoVerdictJson } from './render/json.js';
import { renderMarkdown, renderUnusablePolicyMarkdown } from './render/markdown.js';
import { logLines } from './render/log.js';
import { renderText } from './render/text.js';
import { runGate } from './run.js';

const EXIT = { pass: 0, fail: 1, usage: 2 } as const;

// the CLI suggests commands and options with the policy's own "did you mean" (loaded only on use)
export { didYouMean } from './policy/schema.js';

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
  // a mistyped --evidence is the command line's fault, not missing evidence: seven "no evidence"
  // rows and exit 1 would send the user looking for artifacts that were never looked for
  const evidenceProblem = await stat(options.evidence).then(
    (s) => (s.isDirectory() ? undefined : `--evidence ${options.evidence} is not a directory`),
    () => `--evidence ${options.evidence}: no such directory`,
  );
  if (evidenceProblem) {
    return reportUsageError(
      `${evidenceProblem} (${path.resolve(options.evidence)}); pass the folder the artifacts were downloaded to, one sub-folder per artifact as actions/download-artifact lays them out`,
      options,
    );
  }
  const outcome = await runGate({
    policyText,
    policyFile: options.policy,
    source: directorySource(options.evidence),
    ...(options.profile !== undefined && { profile: options.profile }),
    ...(options.branch !== undefined && { branch: options.branch }),
    now: new Date(),
  });
  if (outcome.kind === 'policy-error') return reportPolicyErrors(outcome.errors, options);
  if (outcome.kind === 'usage-error') return reportUsageError(outcome.message, options);
  const { verdict } = outcome;
  process.stdout.write(renderText(verdict, options.policy));
  if (options.json !== undefined) await writeOutput(options.json, renderJson(verdict));
  if (options.markdown !== undefined) await writeOutput(options.markdown, renderMarkdown(verdict, { policyPath: options.policy }));
  return verdict.decision === 'pass' ? EXIT.pass : EXIT.fail;
}

export async function validate(file: string): Promise<number> {
  const text = await readPolicy(file);
  if (typeof text !== 'string') {
    process.stderr.write(`${logLines(formatPolicyError(text))}\n`);
    return EXIT.usage;
  }
  const loaded = loadPolicy(text, file);
  if (!loaded.ok) {
    for (const e of loaded.errors) process.stderr.write(`${logLines(formatPolicyError(e))}\n`);
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
  for (const e of errors) process.stderr.write(`${logLines(formatPolicyError(e))}\n`);
  const summary = `the policy has ${errors.length} error${errors.length === 1 ? '' : 's'}; the gate fails until it is fixed`;
  process.stderr.write(`release-gate: ${summary}\n`);
  await writeFailureReports(options, errors.map(formatPolicyError), summary);
  return EXIT.usage;
}

async function reportUsageError(message: string, options: CheckOptions): Promise<number> {
  process.stderr.write(`release-gate: ${logLines(message)}\n`);
  await writeFailureReports(options, [message], message);
  return EXIT.usage;
}

/** Even when no verdict can be computed, the report files say so: a fail, with the reasons. */
async function writeFailureReports(options: CheckOptions, errors: string[], summary: string): Promise<void> {
  if (options.json !== undefined) {
    await writeOutput(options.json, renderNoVerdictJson(errors, { summary, profile: options.profile }));
  }
  if (options.markdown !== undefined) {
    await writeOutput(options.markdown, renderUnusablePolicyMarkdown(errors));
  }
}

async function writeOutput(file: string, content: string): Promise<void> {
  await mkdir(path.dirname(path.resolve(file)), { recursive: true });
  await writeFile(file, content);
}
