/**
 * Escaping for text that comes from artifacts or policies. Such text must not @mention, #-link,
 * autolink, inject HTML or images, or break a table row or a code span, so every character with a
 * meaning in GitHub-flavoured Markdown becomes a numeric character reference.
 */
const MARKDOWN_SPECIAL = /[\\`*_{}[\]<>()#+!|@~&:]/g;

export function escapeMarkdown(text: string, maxLength = 500): string {
  return clip(oneLine(text), maxLength)
    .replace(AUTOLINKED, (m) => `${m.slice(0, -1)}${ZERO_WIDTH_SPACE}${m.slice(-1)}`)
    .replace(MARKDOWN_SPECIAL, (c) => `&#${c.charCodeAt(0)};${c === '@' || c === '#' ? ZERO_WIDTH_SPACE : ''}`);
}

// GitHub links @mentions, #references, URLs and www. addresses found in rendered text, that is
// after entities are decoded; a zero-width space breaks each pattern while it still reads the same.
const ZERO_WIDTH_SPACE = '\u200b';
const AUTOLINKED = /:\/|www\./gi;

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
  let cut = text.slice(0, maxLength - 1);
  // do not leave half of a surrogate pair behind
  if (/[\ud800-\udbff]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut}…`;
}
