import type { Node } from 'web-tree-sitter';
import { insertLineBefore, lineStartOf } from '../goEdits';
import { ensureImport } from '../goImports';
import type { GoFile, GoRule } from '../goRule';
import type { Fix, StaticFinding } from '../types';
import { callParts, collect, enclosingFunction, identifierUses, named, spanStarts, statementContainer } from './goSyntax';

const CODES = 'go.opentelemetry.io/otel/codes';
/** Calls that wrap an error into a new one: returning their result still returns the failure. */
const WRAPPERS = new Set(['Errorf', 'Join', 'Wrap', 'Wrapf', 'WithMessage', 'WithStack']);

/**
 * SL210: in a function with a span, `if err != nil { ...; return ..., err }` with neither RecordError nor
 * SetStatus on the span on that path (nor the span handed to a helper that could), and no deferred recorder.
 */
export const spanErrorNotRecorded: GoRule = {
  id: 'go/span-error-not-recorded',
  code: 'SL210',
  title: 'Error returned without recording it on the span',
  check(file: GoFile): StaticFinding[] {
    const findings: StaticFinding[] = [];
    const seen = new Set<number>();
    for (const start of spanStarts(file)) {
      const span = start.spanTarget.text;
      const fn = enclosingFunction(start.statement);
      const scope = statementContainer(start.statement);
      if (!fn || !scope || span === '_' || start.spanTarget.type !== 'identifier' || hasDeferredRecorder(fn, span)) continue;
      for (const ifStatement of collect(scope, (n) => n.type === 'if_statement' && n.startIndex >= start.statement.endIndex)) {
        const checked = nilCheckedError(ifStatement);
        const consequence = ifStatement.childForFieldName('consequence');
        if (!checked || !consequence) continue;
        for (const ret of collect(consequence, (n) => n.type === 'return_statement')) {
          if (seen.has(ret.startIndex) || !returnsError(ret, checked) || recordedBefore(consequence, ret, span)) continue;
          seen.add(ret.startIndex);
          findings.push(
            file.finding(
              spanErrorNotRecorded,
              ret,
              `This error is returned without ${span}.RecordError or ${span}.SetStatus, so the span does not show the failure.`,
              recordErrorFixes(file, ret, span, checked),
            ),
          );
        }
      }
    }
    return findings;
  },
};

/** `err` of `if err != nil` / `if err := f(); err != nil`. */
function nilCheckedError(ifStatement: Node): string | undefined {
  const condition = ifStatement.childForFieldName('condition');
  if (condition?.type !== 'binary_expression' || condition.childForFieldName('operator')?.text !== '!=') return undefined;
  const left = condition.childForFieldName('left');
  const right = condition.childForFieldName('right');
  return left?.type === 'identifier' && right?.type === 'nil' ? left.text : undefined;
}

/** The return's last value is the checked error, or a wrapping of it (`fmt.Errorf("...: %w", err)`). */
function returnsError(ret: Node, err: string): boolean {
  const values = named(named(ret)[0]?.type === 'expression_list' ? named(ret)[0] : ret);
  const last = values[values.length - 1];
  if (!last) return false;
  if (last.type === 'identifier') return last.text === err;
  if (last.type !== 'call_expression') return false;
  const { name, args } = callParts(last);
  return WRAPPERS.has(name ?? '') && args.some((a) => a.type === 'identifier' && a.text === err);
}

/**
 * Between the block's start and the return: `span.RecordError` / `span.SetStatus`, or the span passed to some
 * call (`fail(span, err)`) — the return itself included.
 */
function recordedBefore(block: Node, ret: Node, span: string): boolean {
  return identifierUses(block, span).some((use) => {
    if (use.startIndex >= ret.endIndex) return false;
    const parent = use.parent;
    if (parent?.type === 'selector_expression') {
      const method = parent.childForFieldName('field')?.text;
      return method === 'RecordError' || method === 'SetStatus';
    }
    return true;
  });
}

/** `defer func() { ... span ... }()` or `defer record(span, &err)`: errors may be recorded on the way out. */
function hasDeferredRecorder(fn: Node, span: string): boolean {
  return collect(fn, (n) => n.type === 'defer_statement').some((deferred) => {
    const call = named(deferred)[0];
    if (call?.type === 'call_expression' && callParts(call).operand?.text === span) return false; // defer span.End()
    return identifierUses(deferred, span).length > 0;
  });
}

export function recordErrorFixes(file: GoFile, ret: Node, span: string, err: string): Fix[] {
  if (!statementContainer(ret) || file.text.slice(lineStartOf(file.text, ret.startIndex), ret.startIndex).trim() !== '') return [];
  const codes = ensureImport(file, CODES);
  const edits = [
    insertLineBefore(file.text, ret, `${span}.RecordError(${err})`),
    insertLineBefore(file.text, ret, `${span}.SetStatus(${codes.name}.Error, ${err}.Error())`),
  ];
  // Two inserts at one offset would be ambiguous: one edit with both lines.
  const merged = { start: edits[0].start, end: edits[0].end, newText: edits[0].newText + edits[1].newText };
  return [{ title: `Record ${err} on ${span} before returning`, preferred: true, edits: codes.edit ? [codes.edit, merged] : [merged] }];
}
