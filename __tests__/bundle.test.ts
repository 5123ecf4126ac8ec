/**
 * The shape of the committed bundles: what loads at start-up. The artifact client (≈2.7 MB with
 * Azure's storage SDK) is only imported when artifacts are fetched; the CLI never loads Octokit.
 * And the package as users install it: a tarball with the bundle and no runtime dependencies.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { cp, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/evidence.js';

const DIST = path.join(ROOT, 'dist');

/** Chunks a module imports statically, followed transitively. */
function staticClosure(entry: string): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const code = readFileSync(path.join(DIST, file), 'utf8');
    for (const m of code.matchAll(/^import\s[^;]*?from\s*"\.\/(?:chunks\/)?([^"]+)"/gm)) {
      visit(file.startsWith('chunks/') ? `chunks/${m[1]}` : `chunks/${m[1]!.replace(/^chunks\//, '')}`);
    }
    for (const m of code.matchAll(/^import\s*"\.\/(?:chunks\/)?([^"]+)"/gm)) visit(`chunks/${m[1]}`);
  };
  visit(entry);
  return [...seen];
}

function dynamicImports(file: string): string[] {
  return [...readFileSync(path.join(DIST, file), 'utf8').matchAll(/import\("\.\/(?:chunks\/)?([^"]+)"\)/g)].map((m) => m[1]!);
}

describe('dist/', () => {
  it('the action loads the artifact client only through a dynamic import', () => {
    const startup = staticClosure('index.js');
    const artifactChunk = dynamicImports('index.js').find((f) => f.startsWith('artifact-'));
    expect(artifactChunk).toBeDefined();
    expect(readFileSync(path.join(DIST, 'chunks', artifactChunk!), 'utf8')).toContain('DefaultArtifactClient');
    expect(startup.some((f) => f.includes('artifact-'))).toBe(false);
    for (const f of startup) expect(readFileSync(path.join(DIST, f), 'utf8')).not.toContain('class DefaultArtifactClient');
  });

  it('the CLI starts without Octokit, undici or the toolkit, and loads its commands lazily', () => {
    // at start-up only the entry and esbuild's small runtime helpers: no package code at all
    const startup = staticClosure('cli.js');
    const bytes = startup.reduce((n, f) => n + readFileSync(path.join(DIST, f)).length, 0);
    expect(bytes).toBeLessThan(20_000);
    // esbuild heads each bundled module with a "// node_modules/…" comment
    for (const f of startup) expect(readFileSync(path.join(DIST, f), 'utf8')).not.toMatch(/^\/\/ node_modules\//m);
    const lazy = dynamicImports('cli.js');
    expect(lazy).toEqual([expect.stringMatching(/^commands-/)]);
    for (const f of staticClosure(`chunks/${lazy[0]}`)) {
      const code = readFileSync(path.join(DIST, f), 'utf8');
      expect(code).not.toMatch(/node_modules\/(undici|@octokit|@actions)\//);
    }
  });
});

/** Bare module names the bundle still loads at run time (each must then come with Node itself). */
function runtimeImports(): Map<string, string[]> {
  const found = new Map<string, string[]>();
  const files = readdirSync(DIST, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.js'));
  for (const file of files) {
    const code = readFileSync(path.join(DIST, file), 'utf8');
    const specifiers = [
      ...code.matchAll(/^\s*(?:import|export)\s[^;]*?from\s*"([^"]+)"/gm),
      ...code.matchAll(/^\s*import\s*"([^"]+)"/gm),
      ...code.matchAll(/\bimport\("([^"]+)"\)/g),
      ...code.matchAll(/\b(?:__require|require)\("([^"]+)"\)/g),
    ].map((m) => m[1]!);
    for (const s of specifiers.filter((s) => !s.startsWith('.'))) found.set(s, [...(found.get(s) ?? []), file]);
  }
  return found;
}

describe('the package as users install it', () => {
  const run = promisify(execFile);

  it('has no runtime dependencies: the bundle loads nothing but Node built-ins', () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.dependencies ?? {}).toEqual({});
    expect(pkg.bin).toEqual({ 'release-gate': 'dist/cli.js' });
    const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
    // debug (under @actions/artifact) tries require("supports-color") inside try/catch, for colours only
    const optional = new Set(['supports-color']);
    const external = [...runtimeImports()].filter(([name]) => !builtins.has(name) && !optional.has(name));
    expect(external).toEqual([]);
  });

  it('npm pack, then npm install of the tarball into another project: npx release-gate runs and the schema is where the docs say', async () => {
    const work = await mkdtemp(path.join(tmpdir(), 'release-gate-pack-'));
    try {
      const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: ROOT });
      const [packed] = JSON.parse(stdout) as [{ filename: string; files: { path: string }[] }];
      const files = packed.files.map((f) => f.path);
      expect(files).toEqual(expect.arrayContaining(['dist/cli.js', 'dist/index.js', 'schema/policy-v1.json', 'action.yml', 'package.json', 'README.md']));
      // nothing of the sources, tests or their fixtures
      expect(files.filter((f) => /^(src|__tests__|scripts|examples|node_modules)\//.test(f))).toEqual([]);

      const project = path.join(work, 'project');
      await cp(path.join(ROOT, 'examples/basic'), project, { recursive: true });
      await writeFile(path.join(project, 'package.json'), '{ "name": "a-users-project", "version": "1.0.0", "private": true }\n');
      // --offline: a tarball without dependencies needs no registry
      await run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--save-dev', path.join(work, packed.filename)], { cwd: project });
      expect((await readdir(path.join(project, 'node_modules'))).filter((d) => !d.startsWith('.'))).toEqual(['release-gate']);

      const version = await run('npx', ['--offline', 'release-gate', '--version'], { cwd: project });
      expect(version.stdout).toBe(`${JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')).version}\n`);
      const check = await run('npx', ['--offline', 'release-gate', 'check', '--policy', 'release-gate.yml', '--evidence', 'evidence'], { cwd: project }).catch((e: { code: number; stdout: string; stderr: string }) => e);
      expect(check).toMatchObject({ stdout: expect.stringMatching(/^PASS {2}score 83\.33% \(min 75%\)/m), stderr: '' });
      const schemaFile = path.join(project, 'node_modules/release-gate/schema/policy-v1.json');
      expect(existsSync(schemaFile)).toBe(true);
      expect(await readFile(schemaFile, 'utf8')).toBe(await readFile(path.join(ROOT, 'schema/policy-v1.json'), 'utf8'));
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }, 120_000);
});
