/**
 * Evidence from workflow artifacts (the action): only the artifacts some criterion names are
 * downloaded, a few at a time, each into `<dir>/<name>/`; then the directory source reads them like
 * the CLI does, with each file's provenance taken from its artifact (id, run, commit, creation time).
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import picomatch from 'picomatch';
import { directorySource } from './directory.js';
import type { EvidenceSource } from './types.js';

export interface ArtifactInfo {
  id: number;
  name: string;
  size: number;
  createdAt?: string;
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
    runId: options.runId,
    headSha: runHeadSha,
  }));
  await mkdir(options.dir, { recursive: true });
  const queue = [...artifacts];
  const failed = new Set<string>();
  await Promise.all(
    Array.from({ length: Math.min(PARALLEL_DOWNLOADS, queue.length) }, async () => {
      for (let a = queue.shift(); a; a = queue.shift()) {
        const target = path.join(options.dir, a.name);
        try {
          await client.downloadArtifact(a.id, { path: target, ...(findBy && { findBy }) });
          options.log.info(`downloaded artifact "${a.name}" (${a.size} bytes)`);
        } catch (err) {
          failed.add(a.name);
          problems.push(`artifact "${a.name}" could not be downloaded: ${explainArtifactError(err, 'download it')}`);
        }
      }
    }),
  );
  const byName = new Map(artifacts.filter((a) => !failed.has(a.name)).map((a) => [a.name, a]));
  const directory = directorySource(options.dir);
  const source: EvidenceSource = {
    async find(query) {
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
