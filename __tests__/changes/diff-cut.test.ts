/**
 * A diff cut short is refused with its line, never read as fewer changes: every prefix of a real
 * `git diff` either throws a DiffError or reads each of its files exactly as the whole diff does
 * (a deletion cut after its header loses nothing); prefixes that end between sections read as those
 * sections. And a plain `diff -ruN` of several files (no git
 * header) keeps each file's lines under its own name.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DiffError, parseUnifiedDiff } from '../../src/changes/diff.js';
import { commit, git, initRepo, tempDir } from './repo.js';

describe('a diff cut short', () => {
  const dir = initRepo({ 'a.txt': 'one\ntwo\nthree\nfour\n', 'b.txt': 'x\ny\nz\n', 'gone.txt': 'bye\n', 'ren.txt': 'r1\nr2\nr3\nr4\nr5\nr6\n', 'same.txt': 's\n', 'run.sh': 'echo\n' });
  // complete sections without a hunk: a rename at 100%, a mode change, a new empty file
  git(dir, 'mv', 'ren.txt', 'moved.txt');
  git(dir, 'mv', 'same.txt', 'same2.txt');
  chmodSync(path.join(dir, 'run.sh'), 0o755);
  commit(dir, { 'a.txt': 'one\nTWO\nthree\nfour\nfive\n', 'b.txt': 'x\nY\nz\n', 'gone.txt': null, 'moved.txt': 'r1\nr2\nR3\nr4\nr5\nr6\n', 'new.txt': 'n\n', 'new-empty.txt': '' }, 'change');
  const full = git(dir, 'diff', '-M', 'main...HEAD');
  const rows = full.split('\n');
  /** where each file section starts (its "diff --git" line, 0-based), and the end */
  const starts = [...rows.keys()].filter((i) => rows[i]!.startsWith('diff --git '));
  const whole = parseUnifiedDiff(full, 'full');

  it('the whole diff reads as the change', () => {
    expect(Object.fromEntries([...whole.files.values()].map((f) => [f.path, [f.status, f.lines]]))).toEqual({
      'a.txt': ['modified', [2, 5]],
      'b.txt': ['modified', [2]],
      'gone.txt': ['deleted', []],
      'moved.txt': ['renamed', [3]],
      'new.txt': ['added', [1]],
      'new-empty.txt': ['added', []],
      'same2.txt': ['renamed', []],
      'run.sh': ['modified', []],
    });
    expect(full).toContain('similarity index 100%');
    expect(full).toContain('new mode 100755');
  });

  it('every prefix ending inside a file section is refused with a line number; one ending between sections reads as those before', () => {
    let refused = 0;
    for (let n = 1; n < rows.length - 1; n++) {
      const prefix = `${rows.slice(0, n).join('\n')}\n`;
      const between = starts.includes(n);
      if (between) {
        const read = parseUnifiedDiff(prefix, 'cut');
        expect(read.files.size, `cut before line ${n + 1}`).toBe(starts.filter((s) => s < n).length);
        continue;
      }
      const section = starts.filter((s) => s < n).length;
      let read: ReturnType<typeof parseUnifiedDiff> | undefined;
      let error: unknown;
      try {
        read = parseUnifiedDiff(prefix, 'cut');
      } catch (e) {
        error = e;
      }
      if (read) {
        // accepted only where nothing is lost: each file read as the whole diff reads it
        for (const [key, file] of read.files) expect(file, `cut at line ${n + 1} (section ${section})`).toEqual(whole.files.get(key));
      } else {
        expect(error).toBeInstanceOf(DiffError);
        expect((error as DiffError).line).toBeGreaterThan(0);
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(10);
  });

  it('a plain diff -ruN of several files keeps each file under its own name', () => {
    const base = tempDir('plain');
    for (const side of ['a', 'b']) mkdirSync(path.join(base, side));
    writeFileSync(path.join(base, 'a/one.txt'), '1\n2\n3\n');
    writeFileSync(path.join(base, 'b/one.txt'), '1\nII\n3\n');
    writeFileSync(path.join(base, 'a/two.txt'), 'x\n');
    writeFileSync(path.join(base, 'b/two.txt'), 'x\ny\nz\n');
    let text = '';
    try {
      execFileSync('diff', ['-ruN', 'a', 'b'], { cwd: base, encoding: 'utf8' });
    } catch (e) {
      text = (e as { stdout: string }).stdout; // diff exits 1 when the files differ
    }
    expect(text).toContain('diff -ruN a/one.txt b/one.txt');
    const read = parseUnifiedDiff(text, 'diff -ruN');
    expect(Object.fromEntries([...read.files.values()].map((f) => [f.path, f.lines]))).toEqual({ 'one.txt': [2], 'two.txt': [2, 3] });
  });
});
