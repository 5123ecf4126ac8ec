/**
 * Unified diffs read into changed files and lines, on diffs git wrote for real repositories made
 * here (renames, deletions, binary files, CRLF files, quoted paths), and refused when cut short.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DiffError, parseUnifiedDiff } from '../../src/changes/diff.js';

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' } });
}

/** A repository with one commit of every kind of change after a base commit. */
function repository(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'release-gate-diff-'));
  git(dir, 'init', '-q', '-b', 'main');
  writeFileSync(path.join(dir, 'keep.txt'), 'a\nb\nc\nd\n');
  writeFileSync(path.join(dir, 'crlf.txt'), 'x\r\ny\r\n');
  writeFileSync(path.join(dir, 'old.txt'), 'one\ntwo\nthree\nfour\nfive\n');
  writeFileSync(path.join(dir, 'del.txt'), 'gone\n');
  writeFileSync(path.join(dir, 'bin.dat'), Buffer.from([0, 1, 2, 3, 0, 255]));
  git(dir, 'add', '.');
  git(dir, 'commit', '-qm', 'base');
  writeFileSync(path.join(dir, 'keep.txt'), 'a\nB\nc\nd\ne\n');
  writeFileSync(path.join(dir, 'crlf.txt'), 'x\r\nY\r\nz\r\n');
  git(dir, 'mv', 'old.txt', 'new.txt');
  writeFileSync(path.join(dir, 'new.txt'), 'one\ntwo\nTHREE\nfour\nfive\n');
  git(dir, 'rm', '-q', 'del.txt');
  writeFileSync(path.join(dir, 'bin.dat'), Buffer.from([0, 9, 9, 9, 0, 255]));
  writeFileSync(path.join(dir, 'tést "q".txt'), 'n\n');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'head');
  return dir;
}

describe('parseUnifiedDiff', () => {
  const dir = repository();

  it.each([['--unified=0'], ['--unified=3']])('reads what git diff %s says changed', (context) => {
    const text = git(dir, 'diff', '--no-color', '--no-ext-diff', '-M', context, 'HEAD~1', 'HEAD');
    const changes = parseUnifiedDiff(text, 'git diff');
    const files = Object.fromEntries([...changes.files.values()].map((f) => [f.path, { status: f.status, lines: f.lines, old: f.oldPath }]));
    expect(files).toEqual({
      'bin.dat': { status: 'binary', lines: [], old: undefined },
      'crlf.txt': { status: 'modified', lines: [2, 3], old: undefined },
      'del.txt': { status: 'deleted', lines: [], old: undefined },
      'keep.txt': { status: 'modified', lines: [2, 5], old: undefined },
      'new.txt': { status: 'renamed', lines: [3], old: 'old.txt' },
      'tést "q".txt': { status: 'added', lines: [1], old: undefined },
    });
    expect(changes.incomplete).toBeUndefined();
  });

  it('refuses a diff cut short inside a hunk, and a hunk header it cannot read, with the line', () => {
    const text = git(dir, 'diff', '--no-color', '-M', 'HEAD~1', 'HEAD');
    const cut = text.slice(0, text.indexOf('+B') + 2);
    expect(() => parseUnifiedDiff(cut.replace(/\n[^\n]*$/, '\n'), 'x')).toThrow(DiffError);
    expect(() => parseUnifiedDiff('diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ nonsense @@\n', 'x')).toThrow(/cannot read the hunk header/);
  });

  it('reads a plain diff -u too (no git header), and nothing at all as no change', () => {
    const plain = '--- a.txt\t2026-01-01\n+++ a.txt\t2026-01-02\n@@ -1,2 +1,3 @@\n one\n+two\n three\n';
    expect([...parseUnifiedDiff(plain, 'x').files.values()]).toEqual([{ path: 'a.txt', status: 'modified', lines: [2], linesKnown: true }]);
    expect(parseUnifiedDiff('', 'x').files.size).toBe(0);
  });
});

describe('parseUnifiedDiff on hostile shapes', () => {
  it('one file in 100,000 sections (a concatenated diff) adds its lines up without merging them again each time', () => {
    const section = (i: number) => `diff --git a/a.txt b/a.txt\n--- a/a.txt\n+++ b/a.txt\n@@ -${i},0 +${i + 1} @@\n+x\n`;
    const sections = 100_000;
    const text = Array.from({ length: sections }, (_, i) => section(i * 2)).join('');
    const changes = parseUnifiedDiff(text, 'x');
    const lines = changes.files.get('a.txt')!.lines;
    expect(lines).toHaveLength(sections);
    expect(lines[0]).toBe(1);
    expect(lines.at(-1)).toBe(2 * (sections - 1) + 1);
  });

  it('refuses more changed files than GitHub lists (3,000)', () => {
    const files = Array.from({ length: 3001 }, (_, i) => `diff --git a/f${i} b/f${i}\n--- a/f${i}\n+++ b/f${i}\n@@ -1,0 +1 @@\n+x\n`).join('');
    expect(() => parseUnifiedDiff(files, 'x')).toThrow(/more than 3000 changed files/);
  });
});
