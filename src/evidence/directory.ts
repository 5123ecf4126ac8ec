import { createReadStream } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import path from 'node:path';
import picomatch from 'picomatch';
import { glob } from 'tinyglobby';
import type { EvidenceFile, EvidenceQuery, EvidenceSource, FoundEvidence } from './types.js';

/**
 * Evidence from a directory in the layout actions/download-artifact produces: each sub-folder is
 * one artifact named by the folder. Symbolic links are not followed: they could point anywhere.
 */
export function directorySource(root: string): EvidenceSource {
  const absoluteRoot = path.resolve(root);
  return {
    async find(query: EvidenceQuery): Promise<FoundEvidence> {
      if (query.artifact === undefined) {
        const files = await filesUnder(absoluteRoot, query.path, undefined);
        return { files, emptyReason: `no file matched "${query.path}" in ${root}` };
      }
      const isArtifact = picomatch(query.artifact, { dot: true });
      const entries = await readdir(absoluteRoot, { withFileTypes: true });
      const artifacts = entries.filter((e) => e.isDirectory() && isArtifact(e.name)).map((e) => e.name).sort();
      const files: EvidenceFile[] = [];
      for (const artifact of artifacts) {
        files.push(...(await filesUnder(path.join(absoluteRoot, artifact), query.path, artifact)));
      }
      const emptyReason =
        artifacts.length === 0
          ? `no artifact matches "${query.artifact}" (artifacts: ${listNames(entries.filter((e) => e.isDirectory()).map((e) => e.name))})`
          : `no file matched "${query.path}" in artifact${artifacts.length > 1 ? 's' : ''} ${artifacts.map((a) => `"${a}"`).join(', ')}`;
      return { files, emptyReason };
    },
  };
}

async function filesUnder(dir: string, pattern: string, artifact: string | undefined): Promise<EvidenceFile[]> {
  const matches = await glob(pattern, { cwd: dir, onlyFiles: true, dot: true, followSymbolicLinks: false, expandDirectories: false });
  matches.sort();
  const files: EvidenceFile[] = [];
  for (const relative of matches) {
    const absolute = path.join(dir, relative);
    // a link may point anywhere on the machine: links are never followed (the glob skips them too)
    const info = await lstat(absolute);
    if (!info.isFile()) continue;
    const file: EvidenceFile = {
      path: relative,
      bytes: info.size,
      modified: info.mtime.toISOString(),
      open: () => createReadStream(absolute, { highWaterMark: 256 * 1024 }),
    };
    if (artifact !== undefined) file.artifact = artifact;
    files.push(file);
  }
  return files;
}

function listNames(names: string[]): string {
  if (names.length === 0) return 'none';
  const shown = names.sort().slice(0, 10).map((n) => `"${n}"`).join(', ');
  return names.length > 10 ? `${shown}, … ${names.length - 10} more` : shown;
}
