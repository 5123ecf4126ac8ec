/**
 * Fits a report, given as sections in order of importance (failures first), under a size limit
 * that GitHub imposes (65,535 characters for a check run summary, 65,536 for a comment, 1 MiB for
 * a job summary). Whole sections are kept while they fit; the first that does not is cut at a line
 * boundary, an open <details> is closed, and a note says what was left out.
 */
export function fitMarkdown(sections: string[], limit: number, note: (cutLines: number) => string): string {
  const whole = sections.join('\n');
  if (whole.length <= limit) return whole;
  const kept: string[] = [];
  let used = 0;
  let cut = 0;
  let i = 0;
  // reserve room for the note as it would read with a large count
  const reserve = note(99_999_999).length + 2 + '\n</details>\n'.length;
  for (; i < sections.length; i++) {
    const section = sections[i]!;
    if (used + section.length + 1 <= limit - reserve) {
      kept.push(section);
      used += section.length + 1;
      continue;
    }
    const lines = section.split('\n');
    const partial: string[] = [];
    let size = 0;
    for (const line of lines) {
      if (used + size + line.length + 1 > limit - reserve) break;
      partial.push(line);
      size += line.length + 1;
    }
    cut += lines.length - partial.length;
    if (partial.length > 0) {
      let text = partial.join('\n');
      if (text.includes('<details>') && !text.includes('</details>')) text += '\n</details>\n';
      kept.push(text);
    }
    i++;
    break;
  }
  for (; i < sections.length; i++) cut += sections[i]!.split('\n').length;
  const result = `${kept.join('\n')}\n\n${note(cut)}`;
  return result.length <= limit ? result : result.slice(0, limit);
}
