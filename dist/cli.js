#!/usr/bin/env node
import { createRequire as __rgCreateRequire } from 'node:module'; const require = __rgCreateRequire(import.meta.url);
import "./chunks/chunk-XMXXNP2B.js";

// src/cli.ts
import { parseArgs } from "node:util";

// package.json
var package_default = {
  name: "release-gate",
  version: "0.1.0",
  description: "A release gate for GitHub: reads the evidence a workflow produced and decides, criterion by criterion, whether a release may ship. No evidence is never a pass.",
  license: "MIT",
  type: "module",
  bin: {
    "release-gate": "dist/cli.js"
  },
  engines: {
    node: ">=24"
  },
  files: [
    "dist",
    "schema",
    "action.yml"
  ],
  scripts: {
    build: "node scripts/build.mjs",
    pretest: "node scripts/check-node.cjs",
    test: "vitest run",
    lint: "eslint .",
    typecheck: "tsc --noEmit",
    schema: "node dist/cli.js schema > schema/policy-v1.json",
    screenshot: "node scripts/screenshot.mjs",
    bench: "node scripts/bench/index.mjs",
    bounds: "node scripts/bounds.mjs"
  },
  devDependencies: {
    "@actions/artifact": "^6.2.1",
    "@actions/core": "^3.0.1",
    "@actions/github": "^9.1.1",
    "@eslint/js": "^10.0.1",
    "@octokit/openapi": "^23.0.2",
    "@octokit/plugin-retry": "^8.1.1",
    "@octokit/plugin-throttling": "^11.0.5",
    "@types/node": "^24.19.2",
    "@types/picomatch": "^4.0.3",
    "@types/yauzl": "^3.4.0",
    "@vitest/coverage-v8": "^5.1.1",
    ajv: "^8.20.0",
    "ajv-formats": "^3.0.1",
    esbuild: "^0.28.2",
    eslint: "^10.15.0",
    "fast-check": "^4.10.2",
    "fast-xml-parser": "^5.12.1",
    fflate: "^0.8.3",
    "github-markdown-css": "^5.9.0",
    "jsonpath-rfc9535": "^1.3.0",
    "lcov-parse": "^1.0.0",
    marked: "^18.2.1",
    "mdast-util-from-markdown": "^2.1.0",
    "mdast-util-gfm": "^3.1.0",
    "micromark-extension-gfm": "^3.0.0",
    picomatch: "^4.0.7",
    re2js: "^2.10.0",
    tinyglobby: "^0.2.17",
    typescript: "~5.9.3",
    "typescript-eslint": "^8.73.0",
    vitest: "^5.1.1",
    xml2js: "^0.6.2",
    yaml: "^2.9.1",
    yauzl: "^3.4.0",
    zod: "^4.6.7"
  }
};

// src/cli.ts
var CHECK_USAGE = `Usage: release-gate check --policy FILE --evidence DIR [--profile NAME] [--branch NAME]
                          [--json OUT] [--markdown OUT]

Evaluates every criterion of the policy on the evidence in DIR and prints the report.

  --policy FILE    the policy (e.g. .github/release-gate.yml)
  --evidence DIR   the downloaded artifacts: each sub-folder is one artifact, named by the folder
                   (the layout actions/download-artifact produces)
  --profile NAME   evaluate under this profile of the policy
  --branch NAME    without --profile: the first profile whose branches match NAME
  --json OUT       also write the JSON report to OUT
  --markdown OUT   also write the Markdown report (what the PR comment shows) to OUT

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
                     [--json OUT] [--markdown OUT]
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
  json: { type: "string" },
  markdown: { type: "string" }
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
  const commands = await import("./chunks/commands-UL4ZTYDZ.js");
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
        const values = args.values;
        if (args.positionals.length > 0) throw new UsageError(`check takes only options; unexpected ${args.positionals.map((p) => JSON.stringify(p)).join(" ")} (quote a path with spaces)`, help);
        if (values.policy === void 0 || values.evidence === void 0) throw new UsageError("check needs --policy FILE and --evidence DIR", help);
        return await commands.check({ ...values, policy: values.policy, evidence: values.evidence });
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
