// Bundles the CLI (and later the action) into dist/ as ESM. Code split so that `--version` and
// the action's start-up load only what they use.
import { build } from 'esbuild';
import { rm } from 'node:fs/promises';

await rm('dist', { recursive: true, force: true });
await build({
  entryPoints: { cli: 'src/cli.ts', index: 'src/main.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node24',
  minify: false,
  legalComments: 'linked',
  chunkNames: 'chunks/[name]-[hash]',
  // some CommonJS dependencies call require() at run time
  banner: { js: "import { createRequire as __rgCreateRequire } from 'node:module'; const require = __rgCreateRequire(import.meta.url);" },
  logLevel: 'warning',
});
