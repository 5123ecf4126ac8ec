import { constants } from 'node:fs';
import { lstat, open, readdir, realpath } from 'node:fs/promises';
import path from 'node:path';
import picomatch from 'picomatch';
import { EvidenceError } from '../measure.js';
import { evidenceGlobProblem } from '../policy/glob.js';
import type { ByteSource } from '../readers/types.js';
import type { EvidenceFile, EvidenceQuery, EvidenceSource, FoundEvidence } from './types.js';

/** Entries (files, folders, links) one walk of an evidence folder visits before it gives up. */
export const WALK_ENTRIES = 200_000;
/** How many of the files a folder does hold a "no file matched" reason names. */
const LISTED_NAMES = 10;

/** One walk of a folder: regular files and symbolic links by path relative to it ("/"-separated). */
interface Listing {
  files: string[];
  links: string[];
  /** the folder itself does not exist */
  absent?: true;
}

/**
 * Evidence from a directory in the layout actions/download-artifact produces: each sub-folder is
 * one artifact named by the folder. Symbolic links are never followed, at any depth: a link may
 * point anywhere on the machine. The folder is walked entry by entry (lstat types, links skipped)
 * and globs are matched against the paths the walk found, so no glob can name a path outside the
 * folder; each file is opened without following links, and is read only if it is still the file
 * the walk listed and its real location is inside the evidence folder.
 */
export function directorySource(root: string, options: { walkEntries?: number } = {}): EvidenceSource {
  const absoluteRoot = path.resolve(root);
  const walkEntries = options.walkEntries ?? WALK_ENTRIES;
  const listings = new Map<string, Promise<Listing>>();
  let realRoot: Promise<string> | undefined;
  const listing = (dir: string) => {
    let walked = listings.get(dir);
    if (!walked) listings.set(dir, (walked = walk(dir, walkEntries)));
    return walked;
  };
  const inside = () => (realRoot ??= realpath(absoluteRoot));

  const filesUnder = async (dir: string, pattern: string, artifact: string | undefined) => {
    const listed = await listing(dir);
    const isMatch = picomatch(pattern, { dot: true });
    const files: EvidenceFile[] = [];
    for (const relative of listed.files.filter((f) => isMatch(f)).sort()) {
      const absolute = path.join(dir, ...relative.split('/'));
      const info = await lstat(absolute).catch(() => undefined);
      if (!info?.isFile()) continue; // gone, or replaced by a link or a folder since the walk
      const shown = artifact === undefined ? relative : `${artifact}/${relative}`;
      const file: EvidenceFile = {
        path: relative,
        bytes: info.size,
        modified: info.mtime.toISOString(),
        open: () => readInside(absolute, shown, { dev: info.dev, ino: info.ino }, inside),
      };
      if (artifact !== undefined) file.artifact = artifact;
      files.push(file);
    }
    return { files, listed };
  };

  return {
    async find(query: EvidenceQuery): Promise<FoundEvidence> {
      const problem = evidenceGlobProblem(query.path);
      if (problem !== undefined) throw new Error(problem);
      if (query.artifact === undefined) {
        const { files, listed } = await filesUnder(absoluteRoot, query.path, undefined);
        const held = listed.absent ? `${root} does not exist` : holds(query.path, listed, undefined);
        return { files, emptyReason: `no file matched "${query.path}" in ${root} (${held})` };
      }
      const isArtifact = picomatch(query.artifact, { dot: true });
      const entries = await readdir(absoluteRoot, { withFileTypes: true });
      // an artifact is a real folder: a link named like one is not followed either
      const artifacts = entries.filter((e) => e.isDirectory() && isArtifact(e.name)).map((e) => e.name).sort();
      const files: EvidenceFile[] = [];
      const listed: Listing = { files: [], links: [] };
      for (const artifact of artifacts) {
        const found = await filesUnder(path.join(absoluteRoot, artifact), query.path, artifact);
        files.push(...found.files);
        if (files.length === 0) {
          listed.files.push(...found.listed.files.map((f) => `${artifact}/${f}`));
          listed.links.push(...found.listed.links.map((f) => `${artifact}/${f}`));
        }
      }
      const emptyReason =
        artifacts.length === 0
          ? `no artifact matches "${query.artifact}" (artifacts: ${listNames(entries.filter((e) => e.isDirectory()).map((e) => e.name))})`
          : `no file matched "${query.path}" in artifact${artifacts.length > 1 ? 's' : ''} ${artifacts.map((a) => `"${a}"`).join(', ')} (${holds(query.path, listed, artifacts.length > 1 ? 'they' : 'it')})`;
      return { files, emptyReason };
    },
  };
}

/** Walks a folder without following links; regular files and links by relative path. */
async function walk(dir: string, maxEntries: number): Promise<Listing> {
  const listing: Listing = { files: [], links: [] };
  const pending = [''];
  let visited = 0;
  while (pending.length > 0) {
    const relative = pending.pop()!;
    let entries;
    try {
      entries = await readdir(path.join(dir, ...relative.split('/')), { withFileTypes: true });
    } catch (err) {
      if (relative === '' && (err as NodeJS.ErrnoException).code === 'ENOENT') return { ...listing, absent: true };
      throw err;
    }
    for (const entry of entries) {
      if (++visited > maxEntries) throw new Error(`${dir} holds more than ${maxEntries} entries (WALK_ENTRIES); point the evidence at a smaller folder`);
      const child = relative === '' ? entry.name : `${relative}/${entry.name}`;
      // Dirent types come from lstat (readdir falls back to it where the file system gives none)
      if (entry.isSymbolicLink()) listing.links.push(child);
      else if (entry.isDirectory()) pending.push(child);
      else if (entry.isFile()) listing.files.push(child);
      // sockets, FIFOs and devices are not evidence
    }
  }
  return listing;
}

/**
 * The file's bytes, only if, opened without following a link, it is still the regular file the
 * walk listed (same device and inode) and its real path lies inside the evidence folder.
 */
function readInside(absolute: string, shown: string, listed: { dev: number; ino: number }, root: () => Promise<string>): ByteSource {
  return (async function* () {
    const handle = await open(absolute, constants.O_RDONLY | constants.O_NOFOLLOW).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ELOOP') throw new EvidenceError(`${shown} was replaced by a symbolic link after it was listed; links are never followed`);
      throw err;
    });
    try {
      const info = await handle.stat();
      if (!info.isFile() || info.dev !== listed.dev || info.ino !== listed.ino) {
        throw new EvidenceError(`${shown} was replaced after it was listed; not read`);
      }
      const real = await realpath(absolute);
      const realRoot = await root();
      if (!real.startsWith(realRoot.endsWith(path.sep) ? realRoot : realRoot + path.sep)) throw new EvidenceError(`${shown} lies outside the evidence folder; not read`);
      for await (const chunk of handle.createReadStream({ highWaterMark: 256 * 1024, autoClose: false })) yield chunk as Uint8Array;
    } finally {
      await handle.close();
    }
  })();
}

/** "they hold: …" — the closest of the names a folder does hold, for a reason when nothing matched. */
function holds(pattern: string, listed: Listing, who: 'it' | 'they' | undefined): string {
  const subject = who === 'they' ? 'they hold' : 'it holds';
  const names = [...listed.files, ...listed.links.map((l) => `${l} (symbolic link, never followed)`)];
  if (names.length === 0) return `${subject} no files`;
  const target = lastSegment(pattern).toLowerCase();
  // bounded work on huge folders: rank at most the first 5,000 names, each cut to 100 characters
  const ranked = names
    .slice(0, 5_000)
    .map((name) => ({ name, distance: editDistance(target, lastSegment(name).toLowerCase().slice(0, 100)) }))
    .sort((a, b) => a.distance - b.distance || (a.name < b.name ? -1 : 1))
    .slice(0, LISTED_NAMES)
    .map((r) => `"${r.name}"`);
  const more = names.length - ranked.length;
  return more > 0 ? `${subject} ${names.length}, closest first: ${ranked.join(', ')}, … ${more} more` : `${subject}: ${ranked.join(', ')}`;
}

function lastSegment(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1).slice(0, 100);
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

function listNames(names: string[]): string {
  if (names.length === 0) return 'none';
  const shown = names.sort().slice(0, 10).map((n) => `"${n}"`).join(', ');
  return names.length > 10 ? `${shown}, … ${names.length - 10} more` : shown;
}
