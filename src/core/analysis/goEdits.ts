import type { Node } from 'web-tree-sitter';
import type { TextEdit } from './types';

/** Offset of the first character of the line holding `offset`. */
export function lineStartOf(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** Offset of the '\n' ending the line holding `offset` (or the text's end). */
export function lineEndOf(text: string, offset: number): number {
  const end = text.indexOf('\n', offset);
  return end === -1 ? text.length : end;
}

/** The leading whitespace of the line holding `offset`. */
export function indentationAt(text: string, offset: number): string {
  const start = lineStartOf(text, offset);
  return /^[ \t]*/.exec(text.slice(start, lineEndOf(text, offset)))![0];
}

/** The statement a node belongs to: its ancestor (or itself) whose parent is a block's statement list. */
export function enclosingStatement(node: Node): Node | undefined {
  let current: Node | null = node;
  while (current) {
    const parent: Node | null = current.parent;
    if (parent && (parent.type === 'block' || parent.type === 'statement_list' || parent.type === 'source_file')) return current;
    current = parent;
  }
  return undefined;
}

/** A new line, indented like `anchor`'s line, before that line. */
export function insertLineBefore(text: string, anchor: Node, line: string): TextEdit {
  const start = lineStartOf(text, anchor.startIndex);
  return { start, end: start, newText: `${indentationAt(text, anchor.startIndex)}${line}\n` };
}

/** A new line, indented like the line `anchor` starts on, after the line `anchor` ends on (its trailing comment included). */
export function insertLineAfter(text: string, anchor: Node, line: string): TextEdit {
  const end = lineEndOf(text, anchor.endIndex);
  return { start: end, end, newText: `\n${indentationAt(text, anchor.startIndex)}${line}` };
}

/** Replaces a node's text. */
export function replaceNode(node: Node, newText: string): TextEdit {
  return { start: node.startIndex, end: node.endIndex, newText };
}

/**
 * Adds `key: value` as the first element of a composite literal's body (`literal_value`), keeping gofmt's
 * layout: inline bodies get it inline; one-per-line bodies get a new line and, as gofmt does for a run of
 * single-line keyed elements, the values re-aligned one space after the longest key.
 */
export function addKeyedElementFirst(text: string, body: Node, key: string, value: string): TextEdit[] {
  const elements = body.namedChildren.filter((n): n is Node => n !== null && n.type !== 'comment');
  if (elements.length === 0) {
    return [{ start: body.startIndex, end: body.endIndex, newText: `{${key}: ${value}}` }];
  }
  const first = elements[0];
  const multiLine = first.startPosition.row > body.startPosition.row;
  if (!multiLine) return [{ start: first.startIndex, end: first.startIndex, newText: `${key}: ${value}, ` }];

  // The run of single-line `key: value` elements on consecutive lines, starting with the first element.
  const run: Array<{ keyLength: number; colonEnd: number; valueStart: number }> = [];
  let previousRow = first.startPosition.row - 1;
  for (const element of elements) {
    if (element.type !== 'keyed_element' || element.startPosition.row !== previousRow + 1 || element.endPosition.row !== element.startPosition.row) break;
    const [keyNode, valueNode] = element.namedChildren.filter((n): n is Node => n !== null);
    if (!keyNode || !valueNode) break;
    const colon = text.indexOf(':', keyNode.endIndex);
    run.push({ keyLength: keyNode.endIndex - keyNode.startIndex, colonEnd: colon + 1, valueStart: valueNode.startIndex });
    previousRow = element.startPosition.row;
  }
  const width = Math.max(key.length, ...run.map((r) => r.keyLength));
  const edits: TextEdit[] = [];
  const lineStart = lineStartOf(text, first.startIndex);
  edits.push({ start: lineStart, end: lineStart, newText: `${indentationAt(text, first.startIndex)}${key}:${' '.repeat(width - key.length + 1)}${value},\n` });
  for (const r of run) {
    const spaces = ' '.repeat(width - r.keyLength + 1);
    if (text.slice(r.colonEnd, r.valueStart) !== spaces) edits.push({ start: r.colonEnd, end: r.valueStart, newText: spaces });
  }
  return edits;
}

/** Applies non-overlapping edits to a text (test and CLI helper). */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => b.start - a.start || b.end - a.end);
  let result = text;
  for (const edit of sorted) result = result.slice(0, edit.start) + edit.newText + result.slice(edit.end);
  return result;
}

/**
 * gofmt aligns the trailing `//` comments of consecutive lines: an edit that changes one such line's length
 * must move the whole run's comments. Returns the edits with the touched runs re-aligned (the affected lines
 * become one replacement that absorbs the edits inside it).
 */
export function alignTrailingComments(text: string, edits: readonly TextEdit[]): TextEdit[] {
  if (edits.length === 0) return [...edits];
  const sorted = [...edits].sort((a, b) => a.start - b.start);
  const edited = applyEdits(text, sorted);
  // Where each edit's text sits in the edited text.
  const placed: Array<{ edit: TextEdit; newStart: number; newEnd: number }> = [];
  let delta = 0;
  for (const edit of sorted) {
    const newStart = edit.start + delta;
    placed.push({ edit, newStart, newEnd: newStart + edit.newText.length });
    delta += edit.newText.length - (edit.end - edit.start);
  }
  const lines = splitLines(edited);
  const runs: Array<[number, number]> = [];
  for (const { newStart, newEnd } of placed) {
    const first = lineIndexAt(lines, newStart);
    const last = lineIndexAt(lines, newEnd);
    for (let i = first; i <= last; i++) {
      if (runs.some(([a, b]) => a <= i && i <= b) || trailingComment(lines[i].text) === undefined) continue;
      const indent = indentOf(lines[i].text);
      let a = i;
      let b = i;
      while (a > 0 && sameRun(lines[a - 1].text, indent)) a--;
      while (b < lines.length - 1 && sameRun(lines[b + 1].text, indent)) b++;
      if (b > a) runs.push([a, b]);
    }
  }
  if (runs.length === 0) return sorted;
  let result = sorted;
  for (const [a, b] of runs) {
    let regionStart = lines[a].start;
    let regionEnd = lines[b].start + lines[b].text.length;
    const inside = placed.filter((p) => p.newEnd >= regionStart && p.newStart <= regionEnd);
    for (const p of inside) {
      regionStart = Math.min(regionStart, p.newStart);
      regionEnd = Math.max(regionEnd, p.newEnd);
    }
    const mapBack = (offset: number) => {
      let shift = 0;
      for (const p of placed) if (p.newEnd <= offset && !inside.includes(p)) shift += p.edit.newText.length - (p.edit.end - p.edit.start);
      for (const p of inside) if (p.newEnd <= offset) shift += p.edit.newText.length - (p.edit.end - p.edit.start);
      return offset - shift;
    };
    const original = { start: mapBack(regionStart), end: mapBack(regionEnd) };
    const width = Math.max(...lines.slice(a, b + 1).map((l) => codeWidth(l.text)));
    const alignedLines = lines.slice(a, b + 1).map(({ text: line }) => {
      const comment = trailingComment(line)!;
      const code = line.slice(0, comment).replace(/[ \t]+$/, '');
      return `${code}${' '.repeat(width - (code.length - indentOf(line).length) + 1)}${line.slice(comment)}`;
    });
    const blockEnd = lines[b].start + lines[b].text.length;
    const replacement = edited.slice(regionStart, lines[a].start) + alignedLines.join('\n') + edited.slice(blockEnd, regionEnd);
    result = result.filter((e) => !inside.some((p) => p.edit === e));
    result.push({ start: original.start, end: original.end, newText: replacement });
  }
  return result.sort((x, y) => x.start - y.start);
}

function splitLines(text: string): Array<{ start: number; text: string }> {
  const lines: Array<{ start: number; text: string }> = [];
  let start = 0;
  for (const line of text.split('\n')) {
    lines.push({ start, text: line });
    start += line.length + 1;
  }
  return lines;
}

function lineIndexAt(lines: Array<{ start: number }>, offset: number): number {
  let index = 0;
  while (index + 1 < lines.length && lines[index + 1].start <= offset) index++;
  return index;
}

function indentOf(line: string): string {
  return /^[ \t]*/.exec(line)![0];
}

function sameRun(line: string, indent: string): boolean {
  return indentOf(line) === indent && trailingComment(line) !== undefined;
}

function codeWidth(line: string): number {
  return line.slice(0, trailingComment(line)).replace(/[ \t]+$/, '').length - indentOf(line).length;
}

/** Index of a `//` comment that follows code on the line (outside string and rune literals), else undefined. */
function trailingComment(line: string): number | undefined {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quote) {
      if (ch === '\\' && quote !== '`') i++;
      else if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === '`' || ch === "'") {
      quote = ch;
    } else if (ch === '/' && line[i + 1] === '/') {
      return line.slice(0, i).trim() === '' ? undefined : i;
    } else if (ch === '/' && line[i + 1] === '*') {
      return undefined;
    }
  }
  return undefined;
}
