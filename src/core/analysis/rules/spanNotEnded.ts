import type { Node } from 'web-tree-sitter';
import { insertLineAfter } from '../goEdits';
import type { GoFile, GoRule } from '../goRule';
import type { Fix, StaticFinding } from '../types';
import { callParts, enclosingFunction, enclosingLoop, identifierUses, spanStarts, statementContainer, type SpanStart } from './goSyntax';

/** SL208: a span from `tracer.Start` that its function never ends (and never hands to anyone who could). */
export const spanNotEnded: GoRule = {
  id: 'go/span-not-ended',
  code: 'SL208',
  title: 'Span started and never ended',
  check(file: GoFile): StaticFinding[] {
    const findings: StaticFinding[] = [];
    for (const start of spanStarts(file)) {
      const span = start.spanTarget;
      if (span.type !== 'identifier' || span.text === '_') continue;
      const fn = enclosingFunction(start.statement);
      if (!fn || !neverEnded(fn, start, span.text)) continue;
      findings.push(
        file.finding(spanNotEnded, start.call, `The span ${span.text} is started here but never ended, so it is never exported and its children have no parent.`, endSpanFixes(file, fn, start)),
      );
    }
    return findings;
  },
};

/**
 * No `span.End()` in the function (closures included), and the span never escapes: every other use is a
 * method call on it (`span.SetAttributes(...)`). Passing, returning or storing it may end it elsewhere.
 */
function neverEnded(fn: Node, start: SpanStart, name: string): boolean {
  for (const use of identifierUses(fn, name)) {
    if (use.equals(start.spanTarget) || use.endIndex <= start.statement.startIndex) continue;
    const selector = use.parent;
    if (selector?.type !== 'selector_expression' || !selector.childForFieldName('operand')?.equals(use)) return false;
    const call = selector.parent;
    if (call?.type !== 'call_expression' || !call.childForFieldName('function')?.equals(selector)) return false;
    if (callParts(call).name === 'End') return false;
  }
  return true;
}

/** `defer span.End()` right after the Start; a loop body ends each span itself, so there it is not offered. */
export function endSpanFixes(file: GoFile, fn: Node, start: SpanStart): Fix[] {
  if (!statementContainer(start.statement) || enclosingLoop(start.statement, fn)) return [];
  return [{ title: `Add defer ${start.spanTarget.text}.End()`, preferred: true, edits: [insertLineAfter(file.text, start.statement, `defer ${start.spanTarget.text}.End()`)] }];
}
