import { createRequire as __rgCreateRequire } from 'node:module'; const require = __rgCreateRequire(import.meta.url);
import {
  FAILURES_IN_TEXT,
  LIMITS,
  didYouMean,
  directorySource,
  displayName,
  external_exports,
  failuresNoun,
  findingName,
  formatBytes,
  formatPolicyError,
  loadPolicy,
  logLine,
  logLines,
  nameOf,
  oneLine,
  placeOf,
  policySchema,
  renderJson,
  renderMarkdown,
  renderNoVerdictJson,
  renderUnusablePolicyMarkdown,
  runGate,
  shownMessage
} from "./chunk-TYR4JEKC.js";
import "./chunk-XMXXNP2B.js";

// src/commands.ts
import { mkdir, readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";

// src/render/text.ts
var LABEL = { failed: "FAILED ", missing: "MISSING", passed: "passed " };
var ORDER = ["failed", "missing", "passed"];
function renderText(verdict, policyPath) {
  const out = [];
  const where = [policyPath && `policy ${policyPath}`, verdict.profile && `profile ${verdict.profile}`].filter(Boolean).join(" \xB7 ");
  out.push(oneLine(`${verdict.policy}${where ? ` \xB7 ${where}` : ""}`));
  const score = `score ${verdict.score}%${verdict.minScore !== void 0 ? ` (min ${verdict.minScore}%)` : ""}`;
  out.push(`${verdict.decision === "pass" ? "PASS" : "FAIL"}  ${score} \u2014 ${oneLine(verdict.summary)}`, "");
  const width = Math.min(32, Math.max(0, ...verdict.criteria.map((c) => c.id.length)));
  for (const status of ORDER) {
    for (const c of verdict.criteria.filter((x) => x.status === status)) out.push(...criterionLines(c, width));
  }
  if (verdict.notEvaluated.length > 0) {
    out.push("", `not evaluated ${verdict.profile === void 0 ? "without a profile" : `in profile ${verdict.profile}`}: ${verdict.notEvaluated.join(", ")}`);
  }
  const { passed, failed, missing } = verdict.counts;
  out.push("", `criteria: ${passed} of ${verdict.criteria.length} passed \xB7 ${failed} failed \xB7 ${missing} without evidence`);
  return `${out.map(logLine).join("\n")}
`;
}
function criterionLines(c, width) {
  const tags = [c.required ? "required" : "optional", c.weight !== 1 && `weight ${c.weight}`].filter(Boolean).join(", ");
  const head = `  ${LABEL[c.status]}  ${oneLine(c.id).padEnd(width)}  ${c.title !== c.id ? `${oneLine(c.title)} ` : ""}(${tags})`;
  const indent = " ".repeat(13);
  const lines = [head];
  if (c.status === "passed") {
    lines.push(`${indent}${oneLine(c.reason)}`);
  } else {
    lines.push(`${indent}${c.status === "missing" ? "no evidence: " : ""}${oneLine(c.reason)}`);
    if (c.evidence.length > 0) {
      const names = c.evidence.slice(0, 3).map((e) => oneLine(displayName(e))).join(", ");
      lines.push(`${indent}evidence: ${names}${c.evidence.length > 3 ? ` (+${c.evidence.length - 3} more)` : ""}`);
    }
    if (c.status === "failed" && c.failures) lines.push(...failureLines(c, indent));
  }
  return lines;
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
  const outcome = await runGate({
    policyText,
    policyFile: options.policy,
    source: directorySource(options.evidence),
    ...options.profile !== void 0 && { profile: options.profile },
    ...options.branch !== void 0 && { branch: options.branch },
    now: /* @__PURE__ */ new Date()
  });
  if (outcome.kind === "policy-error") return reportPolicyErrors(outcome.errors, options);
  if (outcome.kind === "usage-error") return reportUsageError(outcome.message, options);
  const { verdict } = outcome;
  process.stdout.write(renderText(verdict, options.policy));
  if (options.json !== void 0) await writeOutput(options.json, renderJson(verdict));
  if (options.markdown !== void 0) await writeOutput(options.markdown, renderMarkdown(verdict, { policyPath: options.policy }));
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
