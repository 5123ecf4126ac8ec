/** The CLI's commands: the shell around run.ts (files in, files and stdout out). */
import { execFile } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { directorySource } from './evidence/directory.js';
import { LIMITS } from './limits.js';
import { formatPolicyError, loadPolicy, type PolicyError } from './policy/load.js';
import { policySchema } from './policy/schema.js';
import { formatBytes } from './readers/input.js';
import type { BaselineLookup } from './history/baseline.js';
import { parseDigest } from './history/digest.js';
import { digestOf } from './render/digest.js';
import { attestationOf } from './render/attestation.js';
import { subjectDigests } from './subjects.js';
import pkg from '../package.json' with { type: 'json' };
import { DiffError, parseUnifiedDiff, type ChangeInput } from './changes/diff.js';
import { changesFromGit, repositoryFiles } from './changes/git.js';
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
  /** an earlier JSON report to compare with */
  baseline?: string;
  commit?: string;
  /** what the change touches: a git ref to diff against, or a unified diff file */
  diffBase?: string;
  diff?: string;
  /** write the verdict as an in-toto Statement (VSA predicate) here */
  attestation?: string;
  /** release artifacts the attestation names, by sha256 */
  subjects?: string[];
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
  const now = new Date();
  const baseline = options.baseline === undefined ? undefined : await readBaseline(options.baseline);
  if (typeof baseline === 'string') return reportUsageError(baseline, options);
  const commit = options.commit ?? (await currentCommit());
  if (commit !== undefined && !/^[0-9a-f]{7,64}$/.test(commit)) return reportUsageError(`--commit ${commit} is not a commit sha (7 to 64 lowercase hex digits)`, options);
  const change = await readChange(options);
  if (typeof change === 'string') return reportUsageError(change, options);
  const outcome = await runGate({
    policyText,
    policyFile: options.policy,
    source: directorySource(options.evidence),
    ...(options.profile !== undefined && { profile: options.profile }),
    ...(options.branch !== undefined && { branch: options.branch }),
    ...(baseline !== undefined && { baseline }),
    ...(change !== undefined && { change }),
    now,
  });
  if (outcome.kind === 'policy-error') return reportPolicyErrors(outcome.errors, options);
  if (outcome.kind === 'usage-error') return reportUsageError(outcome.message, options);
  const { verdict } = outcome;
  for (const warning of baseline?.warnings ?? []) process.stderr.write(`release-gate: warning: ${logLines(warning)}\n`);
  process.stdout.write(renderText(verdict, options.policy, now));
  const digest = digestOf(verdict, outcome.policy, {
    ...(commit !== undefined && { commit }),
    ...(options.branch !== undefined && { branch: options.branch }),
    time: now,
    policyText,
    ...(baseline?.baseline && { previous: baseline.baseline.digest }),
  });
  if (options.json !== undefined) await writeOutput(options.json, renderJson(verdict, digest));
  if (options.markdown !== undefined) await writeOutput(options.markdown, renderMarkdown(verdict, { policyPath: options.policy, trend: digest.trend.at(-1)!, now }));
  if (options.attestation !== undefined) {
    const subjects = await subjectDigests(options.subjects ?? [], '--subject');
    if (typeof subjects === 'string') return reportUsageError(subjects, options);
    const repositoryUrl = await repositoryUrlOf();
    const statement = attestationOf(verdict, {
      version: pkg.version,
      time: now,
      ...(commit !== undefined && { commit }),
      ...(repositoryUrl !== undefined && { repositoryUrl }),
      policyPath: options.policy,
      policyUri: pathToFileURL(path.resolve(options.policy)).href,
      policyText,
      subjects,
    });
    await writeOutput(options.attestation, `${JSON.stringify(statement, null, 2)}\n`);
  }
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

/** The repository's web URL: $GITHUB_SERVER_URL/$GITHUB_REPOSITORY in a workflow, else git's origin as https. */
async function repositoryUrlOf(): Promise<string | undefined> {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repository } = process.env;
  if (server && repository && /^[\w.-]+\/[\w.-]+$/.test(repository)) return `${server.replace(/\/+$/, '')}/${repository}`;
  return new Promise((resolve) => {
    execFile('git', ['remote', 'get-url', 'origin'], { timeout: 5_000 }, (err, stdout) => {
      const url = String(stdout).trim();
      if (err || url === '') return resolve(undefined);
      // git@github.com:owner/repo.git → https://github.com/owner/repo; credentials never kept
      const scp = /^[\w.-]+@([\w.-]+):(.+?)(?:\.git)?$/.exec(url);
      if (scp) return resolve(`https://${scp[1]}/${scp[2]}`);
      try {
        const parsed = new URL(url);
        if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return resolve(undefined);
        parsed.username = '';
        parsed.password = '';
        resolve(parsed.toString().replace(/\.git$/, '').replace(/\/+$/, ''));
      } catch {
        resolve(undefined);
      }
    });
  });
}

/** Largest --diff file read. */
const DIFF_FILE_BYTES = 256 * 1024 * 1024;

/**
 * --diff-base REF (git) or --diff FILE: what the change touches. A diff file that is not there or
 * is not a diff is a usage error; a base git cannot reach is an unknown change (criteria that
 * need it are missing, with the fix), not an error of the command line.
 */
async function readChange(options: CheckOptions): Promise<ChangeInput | string | undefined> {
  if (options.diffBase !== undefined) return changesFromGit(options.diffBase, process.cwd());
  if (options.diff === undefined) return undefined;
  let text: string;
  try {
    const info = await stat(options.diff);
    if (!info.isFile()) return `--diff ${options.diff} is not a file`;
    if (info.size > DIFF_FILE_BYTES) return `--diff ${options.diff} is ${formatBytes(info.size)}, over the ${formatBytes(DIFF_FILE_BYTES)} a diff may be`;
    text = await readFile(options.diff, 'utf8');
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? `--diff ${options.diff}: no such file` : `--diff ${options.diff}: ${(err as Error).message}`;
  }
  try {
    const changes = parseUnifiedDiff(text, `--diff ${options.diff}`);
    // the repository's files, when run in one: without them an ambiguous coverage path could match
    // the one changed file that ends with it
    const repository = await repositoryFiles(process.cwd());
    return repository ? { changes, repository } : { changes };
  } catch (err) {
    if (err instanceof DiffError) return `--diff ${options.diff}:${err.line}: ${err.message}; pass a unified diff (git diff output)`;
    throw err;
  }
}

/** Largest --baseline report read. */
const BASELINE_BYTES = 64 * 1024 * 1024;

/**
 * --baseline FILE: the digest of an earlier JSON report. A file that is not there or not a report
 * is a usage error (a mistyped path must not look like "no base"); a digest that is refused
 * (altered, another version) is no base, with a warning, never trusted.
 */
async function readBaseline(file: string): Promise<BaselineLookup | string> {
  let text: string;
  try {
    const info = await stat(file);
    if (!info.isFile()) return `--baseline ${file} is not a file`;
    if (info.size > BASELINE_BYTES) return `--baseline ${file} is ${formatBytes(info.size)}, over the ${formatBytes(BASELINE_BYTES)} a report can be`;
    text = await readFile(file, 'utf8');
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? `--baseline ${file}: no such file; pass the JSON report (--json) of an earlier run` : `--baseline ${file}: ${(err as Error).message}`;
  }
  let report: unknown;
  try {
    report = JSON.parse(text);
  } catch (err) {
    return `--baseline ${file} is not JSON (${(err as Error).message}); pass the JSON report (--json) of an earlier run`;
  }
  const walk = [`${file}: read`];
  if (typeof report !== 'object' || report === null || !('version' in report) || !('decision' in report)) return `--baseline ${file} is not a release-gate JSON report`;
  const digest = (report as { digest?: unknown }).digest;
  if (digest === undefined || digest === null) {
    const reason = `no baseline: ${file} has no digest (a report of a run whose policy could not be used, or of an older release-gate)`;
    return { reason, walk, warnings: [] };
  }
  const parsed = parseDigest(digest);
  if ('error' in parsed) {
    const warning = `--baseline ${file}: ${parsed.error}; it is not used`;
    return { reason: `no baseline: ${file}: ${parsed.error}`, walk, warnings: [warning] };
  }
  const d = parsed.digest;
  const label = `${path.basename(file)}${d.commit !== undefined ? ` @ ${d.commit.slice(0, 7)}` : ''}`;
  return { baseline: { digest: d, label, how: `--baseline ${file}` }, walk, warnings: [] };
}


/** $GITHUB_SHA, else `git rev-parse HEAD` here, else none: a digest without a commit is still a baseline. */
async function currentCommit(): Promise<string | undefined> {
  const env = process.env.GITHUB_SHA;
  if (env !== undefined && /^[0-9a-f]{40,64}$/.test(env)) return env;
  return new Promise((resolve) => {
    execFile('git', ['rev-parse', 'HEAD'], { timeout: 5_000 }, (err, stdout) => {
      const sha = String(stdout).trim();
      resolve(!err && /^[0-9a-f]{40,64}$/.test(sha) ? sha : undefined);
    });
  });
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
