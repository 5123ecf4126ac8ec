#!/usr/bin/env node
import { createRequire as __rgCreateRequire } from 'node:module'; const require = __rgCreateRequire(import.meta.url);
import {
  package_default
} from "./chunks/chunk-EUXFFNDW.js";
import "./chunks/chunk-XMXXNP2B.js";

// src/cli.ts
import { parseArgs } from "node:util";
var CHECK_USAGE = `Usage: release-gate check --policy FILE --evidence DIR [--profile NAME] [--branch NAME]
                          [--baseline REPORT] [--commit SHA] [--diff-base REF | --diff FILE]
                          [--json OUT] [--markdown OUT] [--attestation OUT [--subject FILE]...]

Evaluates every criterion of the policy on the evidence in DIR and prints the report.

  --policy FILE    the policy (e.g. .github/release-gate.yml)
  --evidence DIR   the downloaded artifacts: each sub-folder is one artifact, named by the folder
                   (the layout actions/download-artifact produces)
  --profile NAME   evaluate under this profile of the policy
  --branch NAME    without --profile: the first profile whose branches match NAME
  --baseline REPORT  compare with an earlier JSON report (--json of an earlier run): show the
                   change of every metric, check relative expectations ("<= base + 10% of base"),
                   and count failed.new / results.new
  --commit SHA     the commit the evidence is of, recorded in the JSON report's digest (default:
                   $GITHUB_SHA, else git rev-parse HEAD in the current folder, else none)
  --diff-base REF  what the change touches: git diff from the merge base of REF and HEAD to the
                   working tree (tracked files), for patch coverage and criteria scoped to paths
  --diff FILE      the same from a unified diff (git diff output, or diff -u)
  --json OUT       also write the JSON report to OUT
  --markdown OUT   also write the Markdown report (what the PR comment shows) to OUT
  --attestation OUT  also write the verdict as an in-toto Statement (SLSA verification summary
                   predicate) to OUT: the commit, the policy's and every evidence file's sha256
  --subject FILE   a release artifact the attestation is about, by its sha256 (repeatable)

Exit 0 when the gate passes, 1 when it fails, 2 on a usage or policy error.
`;
var VALIDATE_USAGE = `Usage: release-gate validate FILE

Checks a policy file; prints FILE:LINE:COL: message for each problem. Exit 0 when it is valid, 2 if not.
`;
var SCHEMA_USAGE = `Usage: release-gate schema

Prints the policy's JSON Schema (the package also ships it: node_modules/release-gate/schema/policy-v1.json).
`;
var USAGE = `release-gate ${package_default.version} \u2014 decides from a workflow's evidence whether a release may ship

Usage:
  release-gate check --policy FILE --evidence DIR [--profile NAME] [--branch NAME]
                     [--baseline REPORT] [--commit SHA] [--diff-base REF | --diff FILE]
                     [--json OUT] [--markdown OUT] [--attestation OUT [--subject FILE]...]
  release-gate validate FILE
  release-gate schema
  release-gate --version

check     evaluate every criterion of the policy on the evidence in DIR (each sub-folder is an
          artifact, as actions/download-artifact lays them out); print the report.
          Exit 0 when the gate passes, 1 when it fails, 2 on a usage or policy error.
validate  check a policy file; print FILE:LINE:COL: message for each problem.
schema    print the policy's JSON Schema.

"release-gate COMMAND --help" describes a command's options.
`;
var CHECK_OPTIONS = {
  policy: { type: "string" },
  evidence: { type: "string" },
  profile: { type: "string" },
  branch: { type: "string" },
  baseline: { type: "string" },
  commit: { type: "string" },
  "diff-base": { type: "string" },
  diff: { type: "string" },
  json: { type: "string" },
  markdown: { type: "string" },
  attestation: { type: "string" },
  subject: { type: "string", multiple: true }
};
var COMMANDS = {
  check: { usage: CHECK_USAGE, options: CHECK_OPTIONS },
  validate: { usage: VALIDATE_USAGE, options: {} },
  schema: { usage: SCHEMA_USAGE, options: {} }
};
var EXIT = { pass: 0, fail: 1, usage: 2 };
function nodeTooOld(found, engines) {
  const need = /^>=\s*(\d+)$/.exec(engines)?.[1];
  if (need === void 0 || Number(found.split(".")[0]) >= Number(need)) return void 0;
  return `release-gate needs Node.js ${need} or newer (package.json engines: "${engines}"); found Node.js ${found} at ${process.execPath}. Install Node.js ${need} (e.g. \`nvm install ${need}\`) and run again.`;
}
var UsageError = class extends Error {
  constructor(message, help) {
    super(message);
    this.help = help;
  }
  help;
};
async function main(argv) {
  const tooOld = nodeTooOld(process.versions.node, package_default.engines.node);
  if (tooOld !== void 0) {
    process.stderr.write(`${tooOld}
`);
    return EXIT.usage;
  }
  const [command, ...rest] = argv;
  if (command === "--version" || command === "-v") {
    process.stdout.write(`${package_default.version}
`);
    return EXIT.pass;
  }
  if (command === "help" && rest[0] !== void 0 && rest[0] in COMMANDS) {
    process.stdout.write(COMMANDS[rest[0]].usage);
    return EXIT.pass;
  }
  if (command === void 0 || command === "--help" || command === "-h" || command === "help" && rest[0] === void 0) {
    process.stdout.write(USAGE);
    return command === void 0 ? EXIT.usage : EXIT.pass;
  }
  const commands = await import("./chunks/commands-A6WFNK5I.js");
  try {
    if (command === "help") throw unknownCommand(rest[0], commands.didYouMean);
    if (!(command in COMMANDS)) throw unknownCommand(command, commands.didYouMean);
    const { usage, options } = COMMANDS[command];
    const help = `release-gate ${command} --help`;
    const args = parseCommandArgs(command, rest, options, commands.didYouMean);
    if (args === "help") {
      process.stdout.write(usage);
      return EXIT.pass;
    }
    switch (command) {
      case "check": {
        const { subject: subjects, ...values } = args.values;
        if (args.positionals.length > 0) throw new UsageError(`check takes only options; unexpected ${args.positionals.map((p) => JSON.stringify(p)).join(" ")} (quote a path with spaces)`, help);
        if (values.policy === void 0 || values.evidence === void 0) throw new UsageError("check needs --policy FILE and --evidence DIR", help);
        if (values.diff !== void 0 && values["diff-base"] !== void 0) throw new UsageError("give --diff-base REF or --diff FILE, not both", help);
        if (subjects !== void 0 && values.attestation === void 0) throw new UsageError("--subject names what --attestation OUT is about; give --attestation too", help);
        const { "diff-base": diffBase, ...rest2 } = values;
        return await commands.check({ ...rest2, ...diffBase !== void 0 && { diffBase }, ...subjects !== void 0 && { subjects }, policy: values.policy, evidence: values.evidence });
      }
      case "validate":
        if (args.positionals.length !== 1) throw new UsageError("validate needs exactly one policy FILE", help);
        return await commands.validate(args.positionals[0]);
      default:
        if (args.positionals.length > 0) throw new UsageError(`${command} takes no arguments`, help);
        process.stdout.write(commands.schema());
        return EXIT.pass;
    }
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`release-gate: ${err.message}
Run "${err.help}" for the usage.
`);
    return EXIT.usage;
  }
}
function unknownCommand(command, didYouMean) {
  const option = command.replace(/^--?/, "").split("=")[0];
  if (command.startsWith("-") && option in CHECK_OPTIONS) {
    return new UsageError(`${command.split("=")[0]} is an option of a command; did you mean "release-gate check ${command} \u2026"?`, "release-gate check --help");
  }
  return new UsageError(`unknown command "${command}"${didYouMean(command, Object.keys(COMMANDS))}; commands: ${Object.keys(COMMANDS).join(", ")}`, "release-gate --help");
}
function parseCommandArgs(command, args, options, didYouMean) {
  const withHelp = { ...options, help: { type: "boolean", short: "h" } };
  const { tokens } = parseArgs({ args, options: withHelp, strict: false, allowPositionals: true, tokens: true });
  if (tokens.some((t) => t.kind === "option" && t.name === "help")) return "help";
  const help = `release-gate ${command} --help`;
  const known = Object.keys(options).map((o) => `--${o}`);
  for (const t of tokens) {
    if (t.kind !== "option" || t.name in options) continue;
    const takes = known.length > 0 ? `; ${command} takes ${known.join(", ")}` : `; ${command} takes no options`;
    throw new UsageError(`unknown option ${t.rawName} for ${command}${didYouMean(t.rawName, known)}${takes}`, help);
  }
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: true });
  } catch (err) {
    if (err.code?.startsWith("ERR_PARSE_ARGS")) throw new UsageError(err.message, help);
    throw err;
  }
}
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    const message = err instanceof Error ? err.stack ?? err.message : String(err);
    process.stderr.write(`release-gate: internal error: ${message}
`);
    process.exitCode = EXIT.fail;
  }
);
export {
  EXIT
};
