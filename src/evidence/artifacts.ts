/**
 * Evidence from workflow artifacts (the action): only the artifacts some criterion names are
 * downloaded, a few at a time, as zips; each zip is checked and unpacked here (not by the artifact
 * client) into `<dir>/<name>/`, under the caps of LIMITS (entries, sizes, decompression ratio; no
 * path outside the folder, no links). An artifact that breaks a rule is not unpacked at all, and the
 * criteria that need it are missing with the reason. Then the directory source reads them like the
 * CLI does, with each file's provenance taken from its artifact (id, run, commit, creation time).
 */
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import picomatch from 'picomatch';
import yauzl from 'yauzl';
import { LIMITS, type Limits } from '../limits.js';
import { formatBytes } from '../readers/input.js';
import { directorySource } from './directory.js';
import type { EvidenceSource } from './types.js';

export interface ArtifactInfo {
  id: number;
  name: string;
  size: number;
  createdAt?: string;
  /** sha256 of the zip recorded at upload ("sha256:…"), when GitHub has it */
  digest?: string;
  runId: number;
  headSha: string;
}

export interface ArtifactFetch {
  token: string;
  owner: string;
  repo: string;
  /** the run whose artifacts are read */
  runId: number;
  /** whether that run is the one this step runs in (no findBy needed) */
  currentRun: boolean;
  /** the commit the verdict is about; the run's head SHA, checked for another run */
  headSha: string;
  /** artifact name globs the policy names */
  patterns: string[];
  dir: string;
  log: { info(message: string): void; warning(message: string): void };
  /** the caps (default LIMITS) */
  limits?: Limits;
}

export interface FetchedArtifacts {
  source: EvidenceSource;
  artifacts: ArtifactInfo[];
  /** problems that leave criteria without evidence, said once to the log and in the report */
  problems: string[];
}

const PARALLEL_DOWNLOADS = 4;

export async function fetchArtifacts(options: ArtifactFetch, runHeadSha: string): Promise<FetchedArtifacts> {
  // the artifact client is large: it is loaded only when artifacts are fetched
  const { DefaultArtifactClient } = await import('@actions/artifact');
  const client = new DefaultArtifactClient();
  const findBy = options.currentRun
    ? undefined
    : { token: options.token, workflowRunId: options.runId, repositoryOwner: options.owner, repositoryName: options.repo };
  const problems: string[] = [];
  if (!options.currentRun && runHeadSha !== options.headSha) {
    problems.push(`run ${options.runId} is for commit ${runHeadSha.slice(0, 7)}, not ${options.headSha.slice(0, 7)}: its artifacts are not evidence for this commit`);
    const empty: EvidenceSource = { find: async () => ({ files: [], emptyReason: problems[0]! }) };
    return { source: empty, artifacts: [], problems };
  }
  const listed = await client.listArtifacts({ latest: true, ...(findBy && { findBy }) }).catch((err: unknown) => {
    throw new Error(explainArtifactError(err, 'list the artifacts'), { cause: err });
  });
  const wanted = picomatch(options.patterns.length > 0 ? options.patterns : ['!**'], { dot: true });
  // re-runs can leave several artifacts of one name: the newest wins
  const newest = new Map<string, (typeof listed.artifacts)[number]>();
  for (const a of listed.artifacts) {
    if (!wanted(a.name) || !isSafeName(a.name)) continue;
    const seen = newest.get(a.name);
    if (!seen || time(a.createdAt) > time(seen.createdAt) || (time(a.createdAt) === time(seen.createdAt) && a.id > seen.id)) newest.set(a.name, a);
  }
  const artifacts: ArtifactInfo[] = [...newest.values()].map((a) => ({
    id: a.id,
    name: a.name,
    size: a.size,
    ...(a.createdAt && { createdAt: new Date(a.createdAt).toISOString() }),
    ...(a.digest && { digest: a.digest }),
    runId: options.runId,
    headSha: runHeadSha,
  }));
  const limits = options.limits ?? LIMITS;
  await mkdir(options.dir, { recursive: true });
  // zips and half-unpacked folders live beside the evidence folder, never inside it
  const staging = `${options.dir}.zips`;
  await mkdir(staging, { recursive: true });
  const budget: UnzipBudget = { bytesLeft: limits.totalEvidenceBytes };
  const queue = [...artifacts];
  const failed = new Set<string>();
  const refusals = new Map<string, string>();
  await Promise.all(
    Array.from({ length: Math.min(PARALLEL_DOWNLOADS, queue.length) }, async () => {
      for (let a = queue.shift(); a; a = queue.shift()) {
        const zipDir = path.join(staging, `${a.id}`);
        const unpacked = path.join(staging, `${a.id}.unpacked`);
        try {
          if (a.size > limits.artifactBytes) {
            throw new ZipRefused(`its zip is ${formatBytes(a.size)}, over the ${formatBytes(limits.artifactBytes)} cap per artifact (LIMITS.artifactBytes)`);
          }
          await mkdir(zipDir, { recursive: true });
          let download;
          try {
            download = await client.downloadArtifact(a.id, { path: zipDir, skipDecompress: true, ...(a.digest && { expectedHash: a.digest }), ...(findBy && { findBy }) });
          } catch (err) {
            throw new Error(`could not be downloaded: ${explainArtifactError(err, 'download it')}`, { cause: err });
          }
          if (download.digestMismatch) throw new ZipRefused(`the downloaded zip does not match the digest GitHub recorded at upload (${a.digest})`);
          const saved = await readdir(zipDir);
          if (saved.length !== 1) throw new Error(`could not be downloaded: expected one zip, found ${saved.length} files`);
          const stats = await unzipArtifact(path.join(zipDir, saved[0]!), unpacked, limits, budget);
          await rename(unpacked, path.join(options.dir, a.name));
          options.log.info(`downloaded artifact "${a.name}" (${a.size} bytes; ${stats.files} files, ${stats.bytes} bytes unpacked)`);
        } catch (err) {
          failed.add(a.name);
          const problem =
            err instanceof ZipRefused
              ? `artifact "${a.name}" refused: ${err.message}`
              : err instanceof Error && err.message.startsWith('could not be downloaded')
                ? `artifact "${a.name}" ${err.message}`
                : `artifact "${a.name}" could not be unpacked: ${err instanceof Error ? err.message : String(err)}`;
          refusals.set(a.name, problem);
          problems.push(problem);
          await rm(unpacked, { recursive: true, force: true }).catch(() => undefined);
        } finally {
          await rm(zipDir, { recursive: true, force: true }).catch(() => undefined);
        }
      }
    }),
  );
  const byName = new Map(artifacts.filter((a) => !failed.has(a.name)).map((a) => [a.name, a]));
  const directory = directorySource(options.dir);
  const source: EvidenceSource = {
    async find(query) {
      // an artifact the query names that was refused or not downloaded leaves it without evidence,
      // even when other artifacts it names are fine: they are not the whole evidence
      const matches = query.artifact === undefined ? undefined : picomatch(query.artifact, { dot: true });
      const named = matches ? [...refusals].filter(([name]) => matches(name)).map(([, p]) => p) : [];
      if (named.length > 0) return { files: [], emptyReason: named.join('; ') };
      const found = await directory.find(query);
      if (found.files.length === 0 && problems.length > 0) found.emptyReason += ` (${problems.join('; ')})`;
      for (const file of found.files) {
        const artifact = file.artifact === undefined ? undefined : byName.get(file.artifact);
        if (!artifact) continue;
        file.artifactId = artifact.id;
        file.runId = artifact.runId;
        file.headSha = artifact.headSha;
        // max-age is about when the evidence was made: the artifact's time, not the unzip time
        file.modified = artifact.createdAt ?? 'unknown';
      }
      return found;
    },
  };
  return { source, artifacts: [...byName.values()], problems };
}

function isSafeName(name: string): boolean {
  return name.length > 0 && !name.includes('/') && !name.includes('\\') && name !== '.' && name !== '..' && !name.includes('\0');
}

function time(d: Date | string | undefined): number {
  return d === undefined ? 0 : new Date(d).getTime();
}

/** Artifact API errors with the fix named. */
export function explainArtifactError(err: unknown, doing: string): string {
  const name = (err as { name?: string } | null)?.name ?? '';
  const message = err instanceof Error ? err.message : String(err);
  if (name === 'GHESNotSupportedError' || /GHES|not supported on GitHub Enterprise/i.test(message)) {
    return `cannot ${doing}: the artifact API is not available on GitHub Enterprise Server. Download the artifacts with actions/download-artifact and pass their folder as evidence-dir.`;
  }
  if ((err as { status?: unknown } | null)?.status === 403 || /\b403\b|Resource not accessible|forbidden/i.test(message)) {
    return `cannot ${doing}: the token may not read artifacts. Grant "permissions: actions: read" to the job (or pass evidence-dir).`;
  }
  return `cannot ${doing}: ${message}`;
}

// ---------------------------------------------------------------------------------------------
// unzipping hostile zips

/** A zip that breaks a rule (a cap, a path, a link): the message names the rule. */
export class ZipRefused extends Error {
  override name = 'ZipRefused';
}

/** Shared by all artifacts of a run, so LIMITS.totalEvidenceBytes holds across them. */
export interface UnzipBudget {
  bytesLeft: number;
}

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;

/**
 * Unpacks `zipFile` into `target` (which must not exist), streaming, and enforcing: no absolute or
 * `..` paths, no links or other special files, at most LIMITS.zipEntries entries, no file over
 * LIMITS.fileBytes, no more than LIMITS.artifactBytes in all, no entry or artifact inflating more
 * than LIMITS.zipRatio times, no entry twice. Sizes are counted as the bytes come out, not taken from
 * the headers. Throws ZipRefused (a broken rule) or Error (a corrupt zip); `target` may then hold a
 * part of the files: the caller removes it.
 */
export async function unzipArtifact(zipFile: string, target: string, limits: Limits = LIMITS, budget: UnzipBudget = { bytesLeft: limits.totalEvidenceBytes }): Promise<{ files: number; bytes: number }> {
  let zip: yauzl.ZipFile;
  try {
    zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
      yauzl.open(zipFile, { lazyEntries: true, autoClose: true, validateEntrySizes: true, strictFileNames: true }, (err, z) => (err ? reject(err) : resolve(z))),
    );
  } catch (err) {
    throw new Error(`not a readable zip: ${(err as Error).message}`, { cause: err });
  }
  try {
    if (zip.entryCount > limits.zipEntries) {
      throw new ZipRefused(`${zip.entryCount} entries, more than the ${limits.zipEntries} allowed per artifact (LIMITS.zipEntries)`);
    }
    await mkdir(target, { recursive: false });
    const root = path.resolve(target);
    const seen = new Set<string>();
    let files = 0;
    let total = 0;
    let compressedTotal = 0;
    for (;;) {
      const entry = await nextEntry(zip);
      if (entry === undefined) break;
      const name = entry.fileName;
      const isDirectory = name.endsWith('/');
      const madeBy = entry.versionMadeBy >> 8;
      const mode = (entry.externalFileAttributes >>> 16) & S_IFMT;
      // Unix (3) and macOS (19) zips carry a file type; links and devices are never unpacked
      if ((madeBy === 3 || madeBy === 19) && mode !== 0) {
        if (mode === S_IFLNK) throw new ZipRefused(`entry "${clip(name)}" is a symbolic link; links are not unpacked (they could point anywhere)`);
        if (mode !== S_IFREG && mode !== S_IFDIR) throw new ZipRefused(`entry "${clip(name)}" is not a regular file (mode ${mode.toString(8)})`);
      }
      const destination = path.resolve(root, name);
      if (/^[a-zA-Z]:/.test(name) || name.includes('\0') || (destination !== root && !destination.startsWith(root + path.sep))) {
        throw new ZipRefused(`entry "${clip(name)}" would be written outside the artifact folder (zip-slip)`);
      }
      if (seen.has(destination)) throw new ZipRefused(`entry "${clip(name)}" appears twice`);
      seen.add(destination);
      if (isDirectory) {
        await mkdir(destination, { recursive: true });
        continue;
      }
      if (entry.uncompressedSize > limits.fileBytes) {
        throw new ZipRefused(`entry "${clip(name)}" is ${formatBytes(entry.uncompressedSize)}, over the ${formatBytes(limits.fileBytes)} cap per file (LIMITS.fileBytes)`);
      }
      files++;
      compressedTotal += entry.compressedSize;
      await mkdir(path.dirname(destination), { recursive: true });
      const stream = await openEntry(zip, entry);
      let entryBytes = 0;
      const counter = new Transform({
        transform(chunk: Buffer, _encoding, callback: TransformCallback) {
          entryBytes += chunk.length;
          total += chunk.length;
          budget.bytesLeft -= chunk.length;
          if (entryBytes > limits.fileBytes) return callback(new ZipRefused(`entry "${clip(name)}" inflates past the ${formatBytes(limits.fileBytes)} cap per file (LIMITS.fileBytes)`));
          if (entryBytes > limits.zipRatio * Math.max(entry.compressedSize, 1)) {
            return callback(new ZipRefused(`entry "${clip(name)}" inflates more than ${limits.zipRatio}:1 (${formatBytes(entry.compressedSize)} compressed; LIMITS.zipRatio) — a zip bomb?`));
          }
          if (total > limits.artifactBytes) return callback(new ZipRefused(`the artifact inflates past the ${formatBytes(limits.artifactBytes)} cap per artifact (LIMITS.artifactBytes)`));
          if (budget.bytesLeft < 0) return callback(new ZipRefused(`the artifacts inflate past the ${formatBytes(limits.totalEvidenceBytes)} cap on all evidence (LIMITS.totalEvidenceBytes)`));
          callback(null, chunk);
        },
      });
      // 'wx': an entry never replaces a file already written
      await pipeline(stream, counter, createWriteStream(destination, { flags: 'wx' }));
      if (total > limits.zipRatio * Math.max(compressedTotal, 1)) {
        throw new ZipRefused(`the artifact inflates more than ${limits.zipRatio}:1 overall (LIMITS.zipRatio) — a zip bomb?`);
      }
    }
    return { files, bytes: total };
  } finally {
    zip.close();
  }
}

function nextEntry(zip: yauzl.ZipFile): Promise<yauzl.Entry | undefined> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      zip.off('entry', onEntry);
      zip.off('end', onEnd);
      zip.off('error', onError);
    };
    const onEntry = (e: yauzl.Entry) => (cleanup(), resolve(e));
    const onEnd = () => (cleanup(), resolve(undefined));
    const onError = (err: Error) => (cleanup(), reject(explainZipError(err)));
    zip.on('entry', onEntry);
    zip.on('end', onEnd);
    zip.on('error', onError);
    zip.readEntry();
  });
}

function openEntry(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<NodeJS.ReadableStream> {
  return new Promise((resolve, reject) => zip.openReadStream(entry, (err, stream) => (err ? reject(explainZipError(err)) : resolve(stream))));
}

/** yauzl's own path checks, said as the rule they enforce. */
function explainZipError(err: Error): Error {
  const m = /^(absolute path|invalid relative path|invalid characters in fileName): (.*)$/s.exec(err.message);
  if (m) return new ZipRefused(`entry "${clip(m[2]!)}" would be written outside the artifact folder (zip-slip: ${m[1]})`);
  return new Error(`corrupt zip: ${err.message}`, { cause: err });
}

function clip(name: string): string {
  return name.length > 200 ? `${name.slice(0, 200)}…` : name;
}
