import { createRequire as __rgCreateRequire } from 'node:module'; const require = __rgCreateRequire(import.meta.url);
import {
  DiffError,
  FAILURES_IN_TEXT,
  LIMITS,
  attestationOf,
  baselineLine,
  changesFromGit,
  deltaText,
  didYouMean,
  digestOf,
  directorySource,
  displayName,
  external_exports,
  failuresNoun,
  findingName,
  formatBytes,
  formatPolicyError,
  formatValue,
  judgesPatch,
  loadPolicy,
  logLine,
  logLines,
  nameOf,
  oneLine,
  parseDigest,
  parseUnifiedDiff,
  placeOf,
  policySchema,
  renderJson,
  renderMarkdown,
  renderNoVerdictJson,
  renderUnusablePolicyMarkdown,
  repositoryFiles,
  runGate,
  shownMessage,
  subjectDigests
} from "./chunk-XG7KDLMX.js";
import {
  package_default
} from "./chunk-EUXFFNDW.js";
import "./chunk-XMXXNP2B.js";

// src/commands.ts
import { execFile } from "node:child_process";
import { pathToFileURL } from "node:url";
import { mkdir, readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";

// src/render/text.ts
var LABEL = { failed: "FAILED ", missing: "MISSING", passed: "passed ", "not-applicable": "n/a    ", waived: "WAIVED " };
var ORDER = ["failed", "missing", "waived", "passed", "not-applicable"];
function renderText(verdict, policyPath, now = /* @__PURE__ */ new Date()) {
  const out = [];
  const where = [policyPath && `policy ${policyPath}`, verdict.profile && `profile ${verdict.profile}`].filter(Boolean).join(" \xB7 ");
  out.push(oneLine(`${verdict.policy}${where ? ` \xB7 ${where}` : ""}`));
  const score = `score ${verdict.score}%${verdict.minScore !== void 0 ? ` (min ${verdict.minScore}%)` : ""}`;
  out.push(`${verdict.decision === "pass" ? "PASS" : "FAIL"}  ${score} \u2014 ${oneLine(verdict.summary)}`);
  if (verdict.baseline) {
    out.push(oneLine(baselineLine(verdict.baseline, now)));
    for (const w of verdict.baseline.warnings) out.push(`warning: ${oneLine(w)}`);
  }
  out.push("");
  const width = Math.min(32, Math.max(0, ...verdict.criteria.map((c) => c.id.length)));
  for (const status of ORDER) {
    for (const c of verdict.criteria.filter((x) => x.status === status)) out.push(...criterionLines(c, width));
  }
  if (verdict.notEvaluated.length > 0) {
    out.push("", `not evaluated ${verdict.profile === void 0 ? "without a profile" : `in profile ${verdict.profile}`}: ${verdict.notEvaluated.join(", ")}`);
  }
  for (const w of verdict.waivers) {
    const note = w.state === "applied" ? w.expiringSoon ? `expires in ${w.daysLeft} day${w.daysLeft === 1 ? "" : "s"} (${w.expires})` : void 0 : w.state === "unused" ? `unused: ${w.note}` : w.note;
    if (note !== void 0) out.push(`waiver for ${oneLine(w.criterion)} (policy line ${w.line}): ${oneLine(note)}`);
  }
  const { passed, failed, missing } = verdict.counts;
  const inapplicable = verdict.counts["not-applicable"];
  const waived = verdict.counts.waived;
  out.push("", `criteria: ${passed} of ${verdict.criteria.length} passed \xB7 ${failed} failed \xB7 ${missing} without evidence${waived ? ` \xB7 ${waived} waived` : ""}${inapplicable ? ` \xB7 ${inapplicable} not applicable` : ""}`);
  return `${out.map(logLine).join("\n")}
`;
}
function criterionLines(c, width) {
  const tags = [c.required ? "required" : "optional", c.weight !== 1 && `weight ${c.weight}`].filter(Boolean).join(", ");
  const head = `  ${LABEL[c.status]}  ${oneLine(c.id).padEnd(width)}  ${c.title !== c.id ? `${oneLine(c.title)} ` : ""}(${tags})`;
  const indent = " ".repeat(13);
  const lines = [head];
  if (c.status === "not-applicable") {
    lines.push(`${indent}not applicable: ${oneLine(c.reason)}`);
  } else if (c.status === "passed") {
    lines.push(`${indent}${oneLine(c.checks.some((k) => k.base !== void 0 || k.relative) ? c.checks.map(checkWithDelta).join(", ") : c.reason)}`);
  } else {
    lines.push(`${indent}${c.status === "missing" ? "no evidence: " : ""}${oneLine(c.reason)}`);
    const deltas = c.checks.filter((k, i) => k.base !== void 0 && c.checks.findIndex((x) => x.metric === k.metric) === i);
    if (c.status === "failed" && deltas.length > 0) lines.push(`${indent}vs base: ${oneLine(deltas.map((k) => `${k.metric} ${deltaText(k.actual, k.base, k.unit)}`).join(", "))}`);
    if (c.evidence.length > 0) {
      const names = c.evidence.slice(0, 3).map((e) => oneLine(displayName(e))).join(", ");
      lines.push(`${indent}evidence: ${names}${c.evidence.length > 3 ? ` (+${c.evidence.length - 3} more)` : ""}`);
    }
    if (c.status === "failed" && c.failures) lines.push(...failureLines(c, indent));
  }
  if (c.waived) {
    const w = c.waived.waiver;
    const refs = [w.link !== void 0 && `ticket ${w.link}`, w.approvedBy !== void 0 && `approved by ${w.approvedBy}`].filter(Boolean);
    if (refs.length > 0) lines.push(`${indent}${oneLine(refs.join(" \xB7 "))}`);
  }
  if (c.skipped) lines.push(`${indent}not checked (baseline: optional): ${oneLine(c.skipped.join("; "))}`);
  if (c.inapplicable) lines.push(`${indent}not applicable: ${oneLine(c.inapplicable.join("; "))}`);
  const uncovered = c.patch && judgesPatch(c) ? c.patch.uncovered : [];
  if (uncovered.length > 0) {
    const files = uncovered.slice(0, 5).map((f) => `${f.path} (${f.ranges.slice(0, 4).map(([a, b]) => a === b ? a : `${a}-${b}`).join(", ")}${f.ranges.length > 4 ? ", \u2026" : ""})`);
    lines.push(`${indent}changed lines not covered: ${oneLine(files.join("; "))}${uncovered.length > 5 ? ` and ${uncovered.length - 5} more files` : ""}`);
  }
  const unmatched = c.patch && judgesPatch(c) ? c.patch.unmatched : void 0;
  if (unmatched && unmatched.total > 0) {
    lines.push(`${indent}${unmatched.total} coverage path${unmatched.total === 1 ? " matches" : "s match"} no repository file (map with path-map): ${oneLine(unmatched.paths.slice(0, 3).join("; "))}${unmatched.total > 3 ? "; \u2026" : ""}`);
  }
  return lines;
}
function checkWithDelta(k) {
  const delta = k.base !== void 0 ? ` (${deltaText(k.actual, k.base, k.unit)})` : "";
  return `${k.metric} = ${formatValue(k.actual, k.unit)}${delta}${k.relative ? `, expected ${k.expectedText}` : ""}`;
}
function failureLines(c, indent) {
  const { kept, total } = c.failures;
  const items = kept.slice(0, FAILURES_IN_TEXT);
  const lines = [`${indent}${failuresNoun(c)}:`];
  for (const item of items) {
    const place = placeOf(item);
    const message = shownMessage(item);
    const what = item.level !== void 0 ? [item.level, item.suite, findingName(item)].filter((x) => x !== void 0).join(" ") : `${item.suite ? `${item.suite} \u203A ` : ""}${nameOf(item)}`;
    const parts = [clip(oneLine(what), 200), place !== void 0 && clip(oneLine(place), 200), message !== void 0 && clip(oneLine(message), 200)].filter(Boolean);
    lines.push(`${indent}  \u2717 ${parts.join(" \u2014 ")}`);
  }
  if (total > items.length) lines.push(`${indent}  \u2026 and ${total - items.length} more`);
  return lines;
}
function clip(text, max) {
  return text.length <= max ? text : `${text.slice(0, max - 1)}\u2026`;
}

// src/commands.ts
var EXIT = { pass: 0, fail: 1, usage: 2 };
async function check(options) {
  const policyText = await readPolicy(options.policy);
  if (typeof policyText !== "string") return reportPolicyErrors([policyText], options);
  const evidenceProblem = await stat(options.evidence).then(
    (s) => s.isDirectory() ? void 0 : `--evidence ${options.evidence} is not a directory`,
    () => `--evidence ${options.evidence}: no such directory`
  );
  if (evidenceProblem) {
    return reportUsageError(
      `${evidenceProblem} (${path.resolve(options.evidence)}); pass the folder the artifacts were downloaded to, one sub-folder per artifact as actions/download-artifact lays them out`,
      options
    );
  }
  const now = /* @__PURE__ */ new Date();
  const baseline = options.baseline === void 0 ? void 0 : await readBaseline(options.baseline);
  if (typeof baseline === "string") return reportUsageError(baseline, options);
  const commit = options.commit ?? await currentCommit();
  if (commit !== void 0 && !/^[0-9a-f]{7,64}$/.test(commit)) return reportUsageError(`--commit ${commit} is not a commit sha (7 to 64 lowercase hex digits)`, options);
  const change = await readChange(options);
  if (typeof change === "string") return reportUsageError(change, options);
  const outcome = await runGate({
    policyText,
    policyFile: options.policy,
    source: directorySource(options.evidence),
    ...options.profile !== void 0 && { profile: options.profile },
    ...options.branch !== void 0 && { branch: options.branch },
    ...baseline !== void 0 && { baseline },
    ...change !== void 0 && { change },
    now
  });
  if (outcome.kind === "policy-error") return reportPolicyErrors(outcome.errors, options);
  if (outcome.kind === "usage-error") return reportUsageError(outcome.message, options);
  const { verdict } = outcome;
  for (const warning of baseline?.warnings ?? []) process.stderr.write(`release-gate: warning: ${logLines(warning)}
`);
  process.stdout.write(renderText(verdict, options.policy, now));
  const digest = digestOf(verdict, outcome.policy, {
    ...commit !== void 0 && { commit },
    ...options.branch !== void 0 && { branch: options.branch },
    time: now,
    policyText,
    ...baseline?.baseline && { previous: baseline.baseline.digest }
  });
  if (options.json !== void 0) await writeOutput(options.json, renderJson(verdict, digest));
  if (options.markdown !== void 0) await writeOutput(options.markdown, renderMarkdown(verdict, { policyPath: options.policy, trend: digest.trend.at(-1), now }));
  if (options.attestation !== void 0) {
    const subjects = await subjectDigests(options.subjects ?? [], "--subject");
    if (typeof subjects === "string") return reportUsageError(subjects, options);
    const repositoryUrl = await repositoryUrlOf();
    const statement = attestationOf(verdict, {
      version: package_default.version,
      time: now,
      ...commit !== void 0 && { commit },
      ...repositoryUrl !== void 0 && { repositoryUrl },
      policyPath: options.policy,
      policyUri: pathToFileURL(path.resolve(options.policy)).href,
      policyText,
      subjects
    });
    await writeOutput(options.attestation, `${JSON.stringify(statement, null, 2)}
`);
  }
  return verdict.decision === "pass" ? EXIT.pass : EXIT.fail;
}
async function validate(file) {
  const text = await readPolicy(file);
  if (typeof text !== "string") {
    process.stderr.write(`${logLines(formatPolicyError(text))}
`);
    return EXIT.usage;
  }
  const loaded = loadPolicy(text, file);
  if (!loaded.ok) {
    for (const e of loaded.errors) process.stderr.write(`${logLines(formatPolicyError(e))}
`);
    return EXIT.usage;
  }
  const { policy } = loaded;
  process.stdout.write(`${file}: valid \u2014 ${policy.criteria.length} criteria, ${policy.profiles.length} profiles
`);
  return EXIT.pass;
}
function schema() {
  const jsonSchema = external_exports.toJSONSchema(policySchema, { io: "input", unrepresentable: "any" });
  return `${JSON.stringify({ ...jsonSchema, $id: "https://github.com/release-gate/release-gate/schema/policy-v1.json", title: "release-gate policy v1" }, null, 2)}
`;
}
async function repositoryUrlOf() {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repository } = process.env;
  if (server && repository && /^[\w.-]+\/[\w.-]+$/.test(repository)) return `${server.replace(/\/+$/, "")}/${repository}`;
  return new Promise((resolve) => {
    execFile("git", ["remote", "get-url", "origin"], { timeout: 5e3 }, (err, stdout) => {
      const url = String(stdout).trim();
      if (err || url === "") return resolve(void 0);
      const scp = /^[\w.-]+@([\w.-]+):(.+?)(?:\.git)?$/.exec(url);
      if (scp) return resolve(`https://${scp[1]}/${scp[2]}`);
      try {
        const parsed = new URL(url);
        if (parsed.protocol !== "https:" && parsed.protocol !== "http:") return resolve(void 0);
        parsed.username = "";
        parsed.password = "";
        resolve(parsed.toString().replace(/\.git$/, "").replace(/\/+$/, ""));
      } catch {
        resolve(void 0);
      }
    });
  });
}
var DIFF_FILE_BYTES = 256 * 1024 * 1024;
async function readChange(options) {
  if (options.diffBase !== void 0) return changesFromGit(options.diffBase, process.cwd());
  if (options.diff === void 0) return void 0;
  let text;
  try {
    const info = await stat(options.diff);
    if (!info.isFile()) return `--diff ${options.diff} is not a file`;
    if (info.size > DIFF_FILE_BYTES) return `--diff ${options.diff} is ${formatBytes(info.size)}, over the ${formatBytes(DIFF_FILE_BYTES)} a diff may be`;
    text = await readFile(options.diff, "utf8");
  } catch (err) {
    return err.code === "ENOENT" ? `--diff ${options.diff}: no such file` : `--diff ${options.diff}: ${err.message}`;
  }
  try {
    const changes = parseUnifiedDiff(text, `--diff ${options.diff}`);
    const repository = await repositoryFiles(process.cwd());
    return repository ? { changes, repository } : { changes };
  } catch (err) {
    if (err instanceof DiffError) return `--diff ${options.diff}:${err.line}: ${err.message}; pass a unified diff (git diff output)`;
    throw err;
  }
}
var BASELINE_BYTES = 64 * 1024 * 1024;
async function readBaseline(file) {
  let text;
  try {
    const info = await stat(file);
    if (!info.isFile()) return `--baseline ${file} is not a file`;
    if (info.size > BASELINE_BYTES) return `--baseline ${file} is ${formatBytes(info.size)}, over the ${formatBytes(BASELINE_BYTES)} a report can be`;
    text = await readFile(file, "utf8");
  } catch (err) {
    return err.code === "ENOENT" ? `--baseline ${file}: no such file; pass the JSON report (--json) of an earlier run` : `--baseline ${file}: ${err.message}`;
  }
  let report;
  try {
    report = JSON.parse(text);
  } catch (err) {
    return `--baseline ${file} is not JSON (${err.message}); pass the JSON report (--json) of an earlier run`;
  }
  const walk = [`${file}: read`];
  if (typeof report !== "object" || report === null || !("version" in report) || !("decision" in report)) return `--baseline ${file} is not a release-gate JSON report`;
  const digest = report.digest;
  if (digest === void 0 || digest === null) {
    const reason = `no baseline: ${file} has no digest (a report of a run whose policy could not be used, or of an older release-gate)`;
    return { reason, walk, warnings: [] };
  }
  const parsed = parseDigest(digest);
  if ("error" in parsed) {
    const warning = `--baseline ${file}: ${parsed.error}; it is not used`;
    return { reason: `no baseline: ${file}: ${parsed.error}`, walk, warnings: [warning] };
  }
  const d = parsed.digest;
  const label = `${path.basename(file)}${d.commit !== void 0 ? ` @ ${d.commit.slice(0, 7)}` : ""}`;
  return { baseline: { digest: d, label, how: `--baseline ${file}` }, walk, warnings: [] };
}
async function currentCommit() {
  const env = process.env.GITHUB_SHA;
  if (env !== void 0 && /^[0-9a-f]{40,64}$/.test(env)) return env;
  return new Promise((resolve) => {
    execFile("git", ["rev-parse", "HEAD"], { timeout: 5e3 }, (err, stdout) => {
      const sha = String(stdout).trim();
      resolve(!err && /^[0-9a-f]{40,64}$/.test(sha) ? sha : void 0);
    });
  });
}
async function readPolicy(file) {
  const fail = (message) => ({ file, line: 1, column: 1, message });
  try {
    const info = await stat(file);
    if (!info.isFile()) return fail("not a file");
    if (info.size > LIMITS.policyBytes) return fail(`policy is ${formatBytes(info.size)}, over the ${formatBytes(LIMITS.policyBytes)} cap (LIMITS.policyBytes)`);
    const text = new TextDecoder("utf-8", { fatal: true }).decode(await readFile(file));
    return text.charCodeAt(0) === 65279 ? text.slice(1) : text;
  } catch (err) {
    const code = err.code;
    if (code === "ENOENT") return fail("policy file not found; pass --policy with the path of your release-gate.yml");
    if (err instanceof TypeError) return fail("policy file is not valid UTF-8");
    return fail(`cannot read the policy: ${err.message}`);
  }
}
async function reportPolicyErrors(errors, options) {
  for (const e of errors) process.stderr.write(`${logLines(formatPolicyError(e))}
`);
  const summary = `the policy has ${errors.length} error${errors.length === 1 ? "" : "s"}; the gate fails until it is fixed`;
  process.stderr.write(`release-gate: ${summary}
`);
  await writeFailureReports(options, errors.map(formatPolicyError), summary);
  return EXIT.usage;
}
async function reportUsageError(message, options) {
  process.stderr.write(`release-gate: ${logLines(message)}
`);
  await writeFailureReports(options, [message], message);
  return EXIT.usage;
}
async function writeFailureReports(options, errors, summary) {
  if (options.json !== void 0) {
    await writeOutput(options.json, renderNoVerdictJson(errors, { summary, profile: options.profile }));
  }
  if (options.markdown !== void 0) {
    await writeOutput(options.markdown, renderUnusablePolicyMarkdown(errors));
  }
}
async function writeOutput(file, content) {
  await mkdir(path.dirname(path.resolve(file)), { recursive: true });
  await writeFile(file, content);
}
export {
  check,
  didYouMean,
  schema,
  validate
};
