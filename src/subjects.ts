/**
 * The release artifacts an attestation names, by their sha256 (shell: reads files). Shared by the
 * CLI (--subject FILE) and the action (input attestation-subjects).
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';

/** Each file's sha256, read as a stream (release artifacts can be large); a missing file is an error. */
export async function subjectDigests(files: string[], what: string, cwd = process.cwd()): Promise<Array<{ name: string; sha256: string }> | string> {
  const out: Array<{ name: string; sha256: string }> = [];
  for (const file of files) {
    const full = path.resolve(cwd, file);
    try {
      const info = await stat(full);
      if (!info.isFile()) return `${what} ${file} is not a file`;
      const hash = createHash('sha256');
      for await (const chunk of createReadStream(full)) hash.update(chunk as Buffer);
      out.push({ name: file, sha256: hash.digest('hex') });
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === 'ENOENT' ? `${what} ${file}: no such file` : `${what} ${file}: ${(err as Error).message}`;
    }
  }
  return out;
}
