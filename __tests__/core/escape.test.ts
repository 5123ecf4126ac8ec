/**
 * The escapers, property-based: whatever string an artifact carries,
 *   - logLine's output is one line in which the runner finds no workflow command (modelled in
 *     helpers/workflow-commands.ts, including the weightless characters ICU skips);
 *   - escapeMarkdown / escapeHtml / codeSpan output holds no bidi control, no line break, no `$`
 *     that could delimit math, and (outside entities) no character with a Markdown meaning; parsed
 *     as GFM it stays plain text (or one code span) in its paragraph or table cell.
 */
import fc from 'fast-check';
import type { Nodes, Root, Table } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmFromMarkdown } from 'mdast-util-gfm';
import { gfm } from 'micromark-extension-gfm';
import { describe, expect, it } from 'vitest';
import { codeSpan, escapeHtml, escapeMarkdown } from '../../src/render/escape.js';
import { logLine } from '../../src/render/log.js';
import { asRunnerSees, commandIn, commandsIn } from '../helpers/workflow-commands.js';

const RUNS = 2_000;

/** Single characters that matter to some escaper, and then any code point at all. */
const TRICKY = [
  ':', '::', '#', '##[', '[', ']', '\n', '\r', '\r\n', '\u000b', '\u000c', '\u0085', '\u2028', '\u2029', '\t', ' ', '\u00a0', '\u3000',
  '\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', '\u00ad', '\u034f', '\u180e', '\u061c', '\u200e', '\u200f', '\u202a', '\u202b', '\u202c',
  '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069', '\u{e0041}', '\u001b', '\u0000', '\u007f', '\u009b', '\ud800', '\udfff',
  '$', '$$', '`', '|', '\\', '*', '_', '~', '<', '>', '&', '@', '!', '(', ')', '{', '}', '+', 'www.', 'http://', '&#36;', '&amp;',
  'error', 'warning', 'add-mask', 'stop-commands', 'notice', ' title=release-gate', 'math', '```',
];
const hostileString = fc.array(fc.oneof(fc.constantFrom(...TRICKY), fc.string({ unit: 'binary', maxLength: 3 })), { maxLength: 40 }).map((parts) => parts.join(''));

// eslint-disable-next-line no-control-regex
const LINE_BREAKS = /[\n\r\u000b\u000c\u0085\u2028\u2029]/;
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

describe('logLine: artifact text in the job log', () => {
  it('is one line in which the runner finds no workflow command, for any string', () => {
    fc.assert(
      fc.property(hostileString, fc.constantFrom('', '  ', '\t', 'FAIL  id: '), (text, prefix) => {
        const line = logLine(`${prefix}${text}`);
        expect(line).not.toMatch(LINE_BREAKS);
        expect(commandIn(line)).toBeUndefined();
        const seen = asRunnerSees(line);
        expect(seen.trimStart().startsWith('::')).toBe(false);
        expect(seen).not.toContain('::');
        expect(seen).not.toContain('##[');
      }),
      { numRuns: RUNS },
    );
  });

  it('leaves no character a reader cannot see and ICU would skip', () => {
    fc.assert(
      fc.property(hostileString, (text) => {
        const line = logLine(text);
        expect(line).not.toMatch(/(?!\t)[\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}\p{Cs}]/u);
        expect(asRunnerSees(line)).toBe(line);
      }),
      { numRuns: RUNS },
    );
  });

  it('changes nothing in ordinary text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme-ascii' }), (text) => {
        // eslint-disable-next-line no-control-regex
        fc.pre(!/::|#\[/.test(text) && !/[\u0000-\u0008\u000a-\u001f\u007f]/.test(text));
        expect(logLine(text)).toBe(text);
      }),
      { numRuns: RUNS },
    );
    expect(logLine('coverage 81.2% — needs ≥ 80% (lcov.info: 3 files)')).toBe('coverage 81.2% — needs ≥ 80% (lcov.info: 3 files)');
  });

  it('neutralises the commands of the issue, visibly', () => {
    const injected = 'semgrep\n::error title=release-gate::All criteria passed\r\n::add-mask::FAIL\n  ::warning::ok\u2028##[error]x';
    const line = logLine(injected);
    expect(line).toBe('semgrep ⏎ :∶error title=release-gate:∶All criteria passed ⏎ :∶add-mask:∶FAIL ⏎   :∶warning:∶ok ⏎ #♯[error]x');
    expect(commandsIn(line)).toEqual([]);
    // zero-width characters do not separate the colons for the runner: they are shown, not trusted
    expect(logLine(':\u200d:error::x')).toBe(':⟨U+200D⟩:error:∶x');
    expect(commandIn(':\u200d:error::x')).toMatchObject({ name: 'error' });
    expect(commandIn(logLine(':\u200d:error::x'))).toBeUndefined();
    expect(logLine('#\u200b#[add-mask]FAIL')).toBe('#⟨U+200B⟩♯[add-mask]FAIL');
    expect(logLine('red \u001b[31m')).toBe('red ⟨U+001B⟩[31m');
  });

  it('the zero-width joiner it used before does not stop the runner', () => {
    // the former logLine put U+200D between the colons; the runner's ICU comparison skips it
    // eslint-disable-next-line no-control-regex
    const former = (text: string) => text.replace(/\r\n|[\r\n\u000b\u000c\u0085\u2028\u2029]/g, ' ⏎ ').replace(/:(?=:)/g, ':\u200d');
    expect(commandIn(former('::add-mask::FAIL'))).toMatchObject({ name: 'add-mask', data: 'FAIL' });
    expect(commandIn(former('x ##[error]All criteria passed'))).toMatchObject({ name: 'error' });
  });
});

/** The text of escaped output with its own entities and dollar spans taken out. */
function bare(escaped: string): string {
  return escaped.replace(/<span>&#36;<\/span>/g, '').replace(/&#\d+;/g, '');
}

function parse(markdown: string): Root {
  return fromMarkdown(markdown, { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] });
}

function types(tree: Nodes): string[] {
  const found: string[] = [];
  const walk = (n: Nodes) => {
    found.push(n.type);
    if ('children' in n) for (const child of n.children) walk(child as Nodes);
  };
  walk(tree);
  return found;
}

describe('escapeMarkdown', () => {
  it('no bidi control, no line break, no bare $, no Markdown character outside an entity', () => {
    fc.assert(
      fc.property(hostileString, (text) => {
        const out = escapeMarkdown(text);
        expect(out).not.toMatch(BIDI);
        expect(out).not.toMatch(LINE_BREAKS);
        expect(bare(out)).not.toMatch(/[\\`*_{}[\]<>()#+!|@~&:$]/);
      }),
      { numRuns: RUNS },
    );
  });

  it('stays plain text in a paragraph: no link, code, emphasis, math delimiter or stray HTML', () => {
    fc.assert(
      fc.property(hostileString, (text) => {
        const out = escapeMarkdown(text);
        const tree = parse(`Reason: ${out} end`);
        expect(new Set(types(tree))).toSatisfy((s: Set<string>) => [...s].every((t) => ['root', 'paragraph', 'text', 'html'].includes(t)));
        const html = (tree.children[0] as { children: Nodes[] }).children.filter((n) => n.type === 'html').map((n) => (n as { value: string }).value);
        expect(html.every((h) => h === '<span>' || h === '</span>')).toBe(true);
        // every dollar sits alone in its span: no two can pair as $…$ or $$…$$
        const rendered = out.replace(/<span>&#36;<\/span>/g, '');
        expect(rendered).not.toContain('$');
      }),
      { numRuns: RUNS },
    );
  });

  it('shows bidi overrides instead of obeying them, and turns $ into a lone span', () => {
    expect(escapeMarkdown('ok \u202Edessap\u202C')).toBe('ok ⟨U&#43;202E⟩dessap⟨U&#43;202C⟩');
    expect(escapeMarkdown('cost $x$ and $$y$$')).toBe('cost <span>&#36;</span>x<span>&#36;</span> and <span>&#36;</span><span>&#36;</span>y<span>&#36;</span><span>&#36;</span>');
    expect(escapeMarkdown('$`\\sqrt{2}`$')).toBe('<span>&#36;</span>&#96;&#92;sqrt&#123;2&#125;&#96;<span>&#36;</span>');
    // emoji keep their joiner
    expect(escapeMarkdown('👩‍💻')).toBe('👩‍💻');
  });
});

describe('escapeHtml', () => {
  it('no bidi control, no line break, no bare $, no HTML or Markdown character outside an entity', () => {
    fc.assert(
      fc.property(hostileString, (text) => {
        const out = escapeHtml(text);
        expect(out).not.toMatch(BIDI);
        expect(out).not.toMatch(LINE_BREAKS);
        expect(bare(out)).not.toMatch(/[&<>"'@#|[\]`*_\\$]/);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('codeSpan', () => {
  it('is one code span in its table cell whatever it holds, with no bidi control or line break', () => {
    fc.assert(
      fc.property(hostileString, (text) => {
        const span = codeSpan(text);
        expect(span).not.toMatch(BIDI);
        expect(span).not.toMatch(LINE_BREAKS);
        const tree = parse(`| a | b |\n|---|---|\n| ${span} | x |\n`);
        const table = tree.children[0] as Table;
        expect(table.type).toBe('table');
        expect(table.children[1]!.children).toHaveLength(2);
        const cell = table.children[1]!.children[0]!;
        expect(cell.children.map((n) => n.type)).toEqual(['inlineCode']);
      }),
      { numRuns: RUNS },
    );
  });

  it('never puts a $ next to its backticks, so no $`…`$ math forms with its neighbours', () => {
    fc.assert(
      fc.property(hostileString, hostileString, (a, b) => {
        const line = `${codeSpan(a)} and ${escapeMarkdown(b)} ${codeSpan(b)}`;
        expect(line).not.toMatch(/\$`|`\$/);
      }),
      { numRuns: RUNS },
    );
    expect(codeSpan('$HOME')).toBe('` $HOME `');
    expect(parse(`x ${codeSpan('a$')} and ${codeSpan('$b')} y`).children[0]).toMatchObject({
      children: [{ type: 'text' }, { type: 'inlineCode', value: 'a$' }, { type: 'text' }, { type: 'inlineCode', value: '$b' }, { type: 'text' }],
    });
  });

  it('shows bidi overrides; a backslash cannot unescape the escaped pipe', () => {
    expect(codeSpan('evil\u202Etxt.exe')).toBe('`evil⟨U+202E⟩txt.exe`');
    expect(codeSpan('a\\|b')).toBe('`a⧵\\|b`');
  });
});
