import { SaxesParser } from 'saxes';
import { EvidenceError } from '../measure.js';
import type { ByteSource } from './types.js';

export interface XmlHandler {
  open(name: string, attributes: Record<string, string>, depth: number): void;
  close?(name: string, depth: number): void;
  /** character data (text and CDATA) of the innermost open element; only called when defined */
  text?(text: string): void;
}

/**
 * Streams an XML document through a handler. saxes never loads a DTD and knows no entity beyond
 * the five predefined ones, so external entities and entity bombs are errors, not expansions.
 * Errors carry the line and column where the document broke.
 */
export async function parseXml(input: ByteSource, handler: XmlHandler, maxDepth: number): Promise<void> {
  const parser = new SaxesParser({ xmlns: false, position: true });
  let depth = 0;
  let sawRoot = false;
  let failure: EvidenceError | undefined;
  const fail = (message: string): never => {
    throw new EvidenceError(message, { line: parser.line, column: parser.column });
  };
  // errors a handler throws without a position get the parser's
  const located = <A extends unknown[]>(fn: (...args: A) => void) => (...args: A) => {
    try {
      fn(...args);
    } catch (err) {
      if (err instanceof EvidenceError && err.position === undefined) fail(err.message);
      throw err;
    }
  };
  parser.on('error', (err) => {
    // saxes prefixes "line:column: "; keep only the message, the position is structured
    failure ??= new EvidenceError(err.message.replace(/^\d+:\d+: /, ''), { line: parser.line, column: parser.column });
    throw failure;
  });
  parser.on('opentag', (tag) => {
    sawRoot = true;
    depth++;
    if (depth > maxDepth) fail(`XML nesting deeper than ${maxDepth} elements (LIMITS.nestingDepth)`);
    located(handler.open.bind(handler))(tag.name, tag.attributes as Record<string, string>, depth);
  });
  parser.on('closetag', (tag) => {
    if (handler.close) located(handler.close.bind(handler))(tag.name, depth);
    depth--;
  });
  if (handler.text) {
    const onText = located(handler.text.bind(handler));
    parser.on('text', onText);
    parser.on('cdata', onText);
  }
  const decoder = new TextDecoder('utf-8');
  try {
    for await (const chunk of input) parser.write(decoder.decode(chunk, { stream: true }));
    parser.write(decoder.decode());
    parser.close();
  } catch (err) {
    if (err instanceof EvidenceError) throw err;
    throw failure ?? new EvidenceError(err instanceof Error ? err.message : String(err), { line: parser.line, column: parser.column });
  }
  if (!sawRoot) throw new EvidenceError('no XML element found (empty or not XML)');
}
