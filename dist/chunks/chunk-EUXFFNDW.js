import { createRequire as __rgCreateRequire } from 'node:module'; const require = __rgCreateRequire(import.meta.url);

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
    mermaid: "^11.17.2",
    "micromark-extension-gfm": "^3.0.0",
    picomatch: "^4.0.7",
    re2js: "^2.10.0",
    "tap-parser": "^18.3.4",
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

export {
  package_default
};
