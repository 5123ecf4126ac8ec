/* global process */
// Bundles the CLI and the action into dist/ as ESM. Code split so that `--version` and the
// action's start-up load only what they use. Built into a fresh folder that then replaces dist/
// in one rename, so a test running the bundle meanwhile never finds dist/ half written.
import { build } from 'esbuild';
import { rename, rm } from 'node:fs/promises';

const fresh = `dist.building-${process.pid}`;
const old = `dist.old-${process.pid}`;
await rm(fresh, { recursive: true, force: true });
await build({
  entryPoints: { cli: 'src/cli.ts', index: 'src/main.ts' },
  outdir: fresh,
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
await rename('dist', old).catch((err) => {
  if (err.code !== 'ENOENT') throw err;
});
await rename(fresh, 'dist');
await rm(old, { recursive: true, force: true });
