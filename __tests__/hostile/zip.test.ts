/**
 * unzipArtifact (src/evidence/artifacts.ts) directly, with caps lowered through its Limits argument:
 * every cap refuses with its name, and sizes are counted as the bytes come out, so a zip whose
 * headers lie about them is caught too. The end-to-end cases are in
 * __tests__/action/hostile-artifacts.e2e.test.ts.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { zipSync, type Zippable } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unzipArtifact, ZipRefused } from '../../src/evidence/artifacts.js';
import { LIMITS, type Limits } from '../../src/limits.js';

let dir: string;
let n = 0;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'release-gate-zip-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const enc = (s: string) => new TextEncoder().encode(s);

async function unzip(zip: Uint8Array, limits: Partial<Limits> = {}, budget?: { bytesLeft: number }) {
  const file = path.join(dir, `${++n}.zip`);
  const target = path.join(dir, `${n}`);
  await writeFile(file, zip);
  const all = { ...LIMITS, ...limits };
  return { target, result: unzipArtifact(file, target, all, budget ?? { bytesLeft: all.totalEvidenceBytes }) };
}

describe('unzipArtifact', () => {
  it('unpacks nested files and directories', async () => {
    const { target, result } = await unzip(zipSync({ 'a/b/c.xml': enc('<x/>'), 'top.txt': enc('hi'), 'empty/': {} } as Zippable));
    expect(await result).toEqual({ files: 2, bytes: 6 });
    expect(readFileSync(path.join(target, 'a/b/c.xml'), 'utf8')).toBe('<x/>');
    expect((await readdir(target)).sort()).toEqual(['a', 'empty', 'top.txt']);
  });

  it.each([
    ['a file over fileBytes', { fileBytes: 100 }, { 'big.xml': enc('x'.repeat(101)) }, /entry "big\.xml" is 101 B, over the 100 B cap per file \(LIMITS\.fileBytes\)/],
    ['an artifact over artifactBytes', { artifactBytes: 150 }, { 'a.xml': enc('x'.repeat(100)), 'b.xml': enc('y'.repeat(100)) }, /inflates past the 150 B cap per artifact \(LIMITS\.artifactBytes\)/],
    ['more entries than zipEntries', { zipEntries: 2 }, { 'a': enc('1'), 'b': enc('2'), 'c': enc('3') }, /3 entries, more than the 2 allowed per artifact \(LIMITS\.zipEntries\)/],
    ['an entry over zipRatio', { zipRatio: 10 }, { 'zeros.xml': new Uint8Array(10_000) }, /entry "zeros\.xml" inflates more than 10:1 .*LIMITS\.zipRatio/],
    ['a FIFO entry', {}, { 'fifo': [enc(''), { os: 3, attrs: (0o010644 << 16) >>> 0 }] }, /entry "fifo" is not a regular file/],
  ] as Array<[string, Partial<Limits>, Zippable, RegExp]>)('refuses %s, naming the cap', async (_name, limits, files, message) => {
    const { result } = await unzip(zipSync(files), limits);
    await expect(result).rejects.toThrow(ZipRefused);
    await expect(result).rejects.toThrow(message);
  });

  it('holds all artifacts of a run to totalEvidenceBytes', async () => {
    const budget = { bytesLeft: 150 };
    await (await unzip(zipSync({ 'a.xml': enc('x'.repeat(100)) }), {}, budget)).result;
    const second = (await unzip(zipSync({ 'b.xml': enc('x'.repeat(100)) }), {}, budget)).result;
    await expect(second).rejects.toThrow(/cap on all evidence \(LIMITS\.totalEvidenceBytes\)/);
  });

  it('counts the bytes that come out, not what the headers claim', async () => {
    // a central directory that says 5 bytes for a 5,000-byte entry: the file cap (100) must still hold
    const zip = zipSync({ 'liar.xml': [enc('x'.repeat(5000)), { level: 0 }] } as Zippable);
    const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
    for (let i = 0; i + 4 <= zip.length; i++) {
      const sig = view.getUint32(i, true);
      if (sig === 0x02014b50) view.setUint32(i + 24, 5, true); // central: uncompressed size
      if (sig === 0x04034b50) view.setUint32(i + 22, 5, true); // local: uncompressed size
    }
    const { target, result } = await unzip(zip, { fileBytes: 100 });
    await expect(result).rejects.toThrow();
    const written = path.join(target, 'liar.xml');
    if (existsSync(written)) expect(readFileSync(written).length).toBeLessThanOrEqual(100);
  });
});
