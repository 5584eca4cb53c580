/** Tree keyboard navigation as a pure function: which row a key moves to, or what it does to the current row. */
import type { Row } from '../core/panel/traceForest';

export type KeyAction =
  | { kind: 'select'; index: number }
  | { kind: 'expand'; index: number; expanded: boolean }
  | { kind: 'open'; index: number }
  | { kind: 'none' };

export function isExpandable(row: Row): boolean {
  return row.kind === 'trace' || (row.kind === 'span' && row.hasChildren);
}

/** `index` is the selected row (-1 when none is shown); `pageSize` the rows that fit in the viewport. */
export function treeKeyAction(key: string, rows: readonly Row[], index: number, pageSize: number): KeyAction {
  const last = rows.length - 1;
  if (last < 0) {
    return { kind: 'none' };
  }
  const clamp = (i: number): KeyAction => ({ kind: 'select', index: Math.max(0, Math.min(last, i)) });
  if (index < 0) {
    // Nothing selected (or it is filtered out): any navigation key starts at an end.
    if (key === 'End') {
      return clamp(last);
    }
    return ['ArrowDown', 'ArrowUp', 'Home', 'PageDown', 'PageUp'].includes(key) ? clamp(0) : { kind: 'none' };
  }
  const row = rows[index];
  switch (key) {
    case 'ArrowDown':
      return clamp(index + 1);
    case 'ArrowUp':
      return clamp(index - 1);
    case 'Home':
      return clamp(0);
    case 'End':
      return clamp(last);
    case 'PageDown':
      return clamp(index + pageSize);
    case 'PageUp':
      return clamp(index - pageSize);
    case 'ArrowRight':
      if (!isExpandable(row)) {
        return { kind: 'none' };
      }
      if (!isExpanded(row)) {
        return { kind: 'expand', index, expanded: true };
      }
      return index < last && isChildOf(rows[index + 1], row) ? clamp(index + 1) : { kind: 'none' };
    case 'ArrowLeft':
      if (isExpandable(row) && isExpanded(row)) {
        return { kind: 'expand', index, expanded: false };
      }
      return parentIndex(rows, index);
    case 'Enter':
      if (row.kind === 'span') {
        return { kind: 'open', index };
      }
      return row.kind === 'trace' ? { kind: 'expand', index, expanded: !row.expanded } : { kind: 'none' };
    default:
      return { kind: 'none' };
  }
}

function isExpanded(row: Row): boolean {
  return row.kind !== 'mark' && row.expanded;
}

function isChildOf(child: Row, parent: Row): boolean {
  if (child.kind !== 'span') {
    return false;
  }
  if (parent.kind === 'trace') {
    return child.depth === 0 && child.span.traceId === parent.trace.traceId;
  }
  return parent.kind === 'span' && child.depth === parent.depth + 1 && child.span.traceId === parent.span.traceId;
}

function parentIndex(rows: readonly Row[], index: number): KeyAction {
  const row = rows[index];
  if (row.kind !== 'span') {
    return { kind: 'none' };
  }
  for (let i = index - 1; i >= 0; i--) {
    if (isChildOf(row, rows[i])) {
      return { kind: 'select', index: i };
    }
  }
  return { kind: 'none' };
}
