/**
 * Escaping for text that comes from artifacts or policies. Such text must not @mention, #-link,
 * autolink, inject HTML or images, or break a table row or a code span, so every character with a
 * meaning in GitHub-flavoured Markdown becomes a numeric character reference.
 */
const MARKDOWN_SPECIAL = /[\\`*_{}[\]<>()#+!|@~&:]/g;

export function escapeMarkdown(text: string, maxLength = 500): string {
  return clip(oneLine(text), maxLength).replace(MARKDOWN_SPECIAL, (c) => `&#${c.charCodeAt(0)};`).replace(/\bwww\./gi, (w) => `${w.slice(0, 3)}&#46;`);
}

/**
 * A code span safe inside a table cell: backticks cannot be escaped in a code span, so they become
 * a look-alike; `|` is escaped the way GFM tables require. Code spans never mention or link.
 */
export function codeSpan(text: string, maxLength = 200): string {
  const body = clip(oneLine(text), maxLength).replace(/`/g, 'ˋ').replace(/\|/g, '\\|');
  return `\`${body}\``;
}

/** For HTML contexts (job summary, details/summary elements). */
export function escapeHtml(text: string, maxLength = 500): string {
  return clip(oneLine(text), maxLength).replace(/[&<>"'@#|[\]`*_\\]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Collapses control characters and line breaks (which would end a table row, or drive a terminal). */
export function oneLine(text: string): string {
  // control characters and line breaks would end a table row or a heading
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ').trim();
}

function clip(text: string, maxLength: number): string {
  if (text.length <= maxLength) return text;
  return `${[...text.slice(0, maxLength - 1)].slice(0, -1).join('')}…`;
}
