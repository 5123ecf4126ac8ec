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
    test: "vitest run",
    lint: "eslint .",
    typecheck: "tsc --noEmit",
    schema: "node dist/cli.js schema > schema/policy-v1.json",
    screenshot: "node scripts/screenshot.mjs",
    bench: "node scripts/bench/index.mjs"
  },
  dependencies: {
    "@actions/artifact": "^6.2.1",
    "@actions/core": "^3.0.1",
    "@actions/github": "^9.1.1",
    "@octokit/plugin-retry": "^8.1.1",
    "@octokit/plugin-throttling": "^11.0.5",
    "jsonpath-rfc9535": "^1.3.0",
    picomatch: "^4.0.7",
    re2js: "^2.10.0",
    tinyglobby: "^0.2.17",
    yaml: "^2.9.1",
    yauzl: "^3.4.0",
    zod: "^4.6.7"
  },
  devDependencies: {
    "@eslint/js": "^10.0.1",
    "@octokit/openapi": "^23.0.2",
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
    "lcov-parse": "^1.0.0",
    marked: "^18.2.1",
    "mdast-util-from-markdown": "^2.1.0",
    "mdast-util-gfm": "^3.1.0",
    "micromark-extension-gfm": "^3.0.0",
    typescript: "~5.9.3",
    "typescript-eslint": "^8.73.0",
    vitest: "^5.1.1",
    xml2js: "^0.6.2"
  }
};

// src/cli.ts
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
`;
var EXIT = { pass: 0, fail: 1, usage: 2 };
async function main(argv) {
  const [command, ...rest] = argv;
  if (command === "--version" || command === "-v") {
    process.stdout.write(`${package_default.version}
`);
    return EXIT.pass;
  }
  if (command === void 0 || command === "--help" || command === "-h" || command === "help") {
    process.stdout.write(USAGE);
    return command === void 0 ? EXIT.usage : EXIT.pass;
  }
  const commands = await import("./chunks/commands-SCHKFNRC.js");
  switch (command) {
    case "check": {
      const { values } = parseArgs({
        args: rest,
        strict: true,
        options: {
          policy: { type: "string" },
          evidence: { type: "string" },
          profile: { type: "string" },
          branch: { type: "string" },
          json: { type: "string" },
          markdown: { type: "string" }
        }
      });
      if (values.policy === void 0 || values.evidence === void 0) {
        return usageError("check needs --policy FILE and --evidence DIR");
      }
      return commands.check({ ...values, policy: values.policy, evidence: values.evidence });
    }
    case "validate": {
      const { positionals } = parseArgs({ args: rest, strict: true, allowPositionals: true });
      if (positionals.length !== 1) return usageError("validate needs exactly one policy FILE");
      return commands.validate(positionals[0]);
    }
    case "schema":
      process.stdout.write(commands.schema());
      return EXIT.pass;
    default:
      return usageError(`unknown command "${command}"`);
  }
}
function usageError(message) {
  process.stderr.write(`release-gate: ${message}

${USAGE}`);
  return EXIT.usage;
}
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    const message = err instanceof Error ? err.message : String(err);
    const usage = err.code?.startsWith("ERR_PARSE_ARGS");
    process.stderr.write(`release-gate: ${usage ? message : `internal error: ${err instanceof Error ? err.stack ?? message : message}`}
`);
    process.exitCode = usage ? EXIT.usage : EXIT.fail;
  }
);
export {
  EXIT
};
