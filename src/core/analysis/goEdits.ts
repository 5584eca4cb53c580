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
