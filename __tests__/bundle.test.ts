/**
 * The shape of the committed bundles: what loads at start-up. The artifact client (≈2.7 MB with
 * Azure's storage SDK) is only imported when artifacts are fetched; the CLI never loads Octokit.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
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
    for (const f of startup) expect(readFileSync(path.join(DIST, f), 'utf8')).not.toContain('node_modules/');
    const lazy = dynamicImports('cli.js');
    expect(lazy).toEqual([expect.stringMatching(/^commands-/)]);
    for (const f of staticClosure(`chunks/${lazy[0]}`)) {
      const code = readFileSync(path.join(DIST, f), 'utf8');
      expect(code).not.toMatch(/node_modules\/(undici|@octokit|@actions)\//);
    }
  });
});
