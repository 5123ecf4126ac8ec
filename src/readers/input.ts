import { EvidenceError } from '../measure.js';
import type { ByteSource } from './types.js';

const BOM = 0xfeff;

/**
 * Reads a whole (bounded) document as UTF-8 text. Invalid UTF-8 is an error, not a silent
 * replacement: a number decoded from garbage must never pass a criterion.
 */
export async function readWholeText(input: ByteSource, maxBytes: number, what = 'document'): Promise<string> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of input) {
    size += chunk.byteLength;
    if (size > maxBytes) {
      throw new EvidenceError(`${what} is larger than the ${formatBytes(maxBytes)} cap for whole-document formats (LIMITS.wholeDocumentBytes)`);
    }
    chunks.push(chunk);
  }
  const bytes = Buffer.concat(chunks, size);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new EvidenceError(`${what} is not valid UTF-8`);
  }
  return text.charCodeAt(0) === BOM ? text.slice(1) : text;
}

/** Yields the lines of a text stream (LF or CRLF, BOM dropped) without holding the whole file. */
export async function* readLines(input: ByteSource): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8');
  let pending = '';
  let first = true;
  for await (const chunk of input) {
    let text = pending + decoder.decode(chunk, { stream: true });
    if (first && text.length > 0) {
      if (text.charCodeAt(0) === BOM) text = text.slice(1);
      first = false;
    }
    let start = 0;
    for (let nl = text.indexOf('\n', start); nl !== -1; nl = text.indexOf('\n', start)) {
      yield text.charCodeAt(nl - 1) === 13 ? text.slice(start, nl - 1) : text.slice(start, nl);
      start = nl + 1;
    }
    pending = text.slice(start);
  }
  pending += decoder.decode();
  if (first && pending.charCodeAt(0) === BOM) pending = pending.slice(1);
  if (pending.length > 0) yield pending.endsWith('\r') ? pending.slice(0, -1) : pending;
}

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${Number.isInteger(n) ? n : n.toFixed(1)} ${units[i]}`;
}
