/** Applies a fix's edits to a text the way an editor applies a workspace edit: all offsets refer to the original text. */
import type { TextEdit } from '../../../src/core/analysis/types';

export function applyTextEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  for (let i = 0; i < sorted.length; i++) {
    const edit = sorted[i];
    if (edit.start < 0 || edit.end < edit.start || edit.end > text.length) {
      throw new Error(`edit out of range: ${JSON.stringify(edit)} in a text of ${text.length} characters`);
    }
    if (i > 0 && edit.start < sorted[i - 1].end) {
      throw new Error(`overlapping edits: ${JSON.stringify(sorted[i - 1])} and ${JSON.stringify(edit)}`);
    }
  }
  let result = text;
  for (const edit of sorted.reverse()) {
    result = result.slice(0, edit.start) + edit.newText + result.slice(edit.end);
  }
  return result;
}

/** 1-based lines that an edit replaces text on or inserts into (an insertion at a line start belongs to that line). */
export function linesTouched(text: string, edits: readonly TextEdit[]): Set<number> {
  const lineOf = (offset: number): number => text.slice(0, offset).split('\n').length;
  const lines = new Set<number>();
  for (const edit of edits) {
    for (let line = lineOf(edit.start); line <= lineOf(edit.end); line++) {
      lines.add(line);
    }
  }
  return lines;
}
