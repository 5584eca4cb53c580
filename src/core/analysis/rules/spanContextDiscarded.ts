import type { Node } from 'web-tree-sitter';
import { indentationAt } from '../goEdits';
import { ensureImport } from '../goImports';
import type { GoFile, GoRule } from '../goRule';
import type { Fix, StaticFinding } from '../types';
import {
  callParts,
  contains,
  enclosingFunction,
  enclosingFunctions,
  FUNCTION_TYPES,
  identifierUses,
  isQualifiedType,
  named,
  parametersOf,
  spanStarts,
  statementContainer,
  type SpanStart,
} from './goSyntax';

const TRACE = 'go.opentelemetry.io/otel/trace';
/** Calls whose first result is a context.Context: a variable they define is a context for sure. */
const CONTEXT_RESULTS = new Set(['Start', 'Extract', 'WithoutCancel', 'WithCancel', 'WithTimeout', 'WithDeadline', 'WithValue', 'Background', 'TODO', 'ContextWithSpan']);

/** SL209: `_, span := tracer.Start(ctx, ...)` and then ctx used again: later work is not a child of the span. */
export const spanContextDiscarded: GoRule = {
  id: 'go/span-context-discarded',
  code: 'SL209',
  title: 'Span context discarded',
  check(file: GoFile): StaticFinding[] {
    const findings: StaticFinding[] = [];
    for (const start of spanStarts(file)) {
      if (start.contextTarget.type !== 'identifier' || start.contextTarget.text !== '_') continue;
      const parent = callParts(start.call).args[0];
      if (parent?.type !== 'identifier' || !isContextVariable(file, start.statement, parent.text)) continue;
      const fn = enclosingFunction(start.statement);
      if (!fn) continue;
      const later = identifierUses(fn, parent.text).filter((use) => use.startIndex >= start.statement.endIndex);
      if (later.length === 0) continue;
      findings.push(
        file.finding(
          spanContextDiscarded,
          start.contextTarget,
          `The context returned by Start is discarded, so the later uses of ${parent.text} do not run under this span.`,
          keepContextFixes(file, start, parent.text, later),
        ),
      );
    }
    return findings;
  },
};

/** `ctx` is a context.Context: a parameter declared so, or defined by a call that returns one. */
function isContextVariable(file: GoFile, at: Node, name: string): boolean {
  for (const fn of enclosingFunctions(at)) {
    const parameter = parametersOf(fn).find((p) => p.name === name);
    if (parameter) return isQualifiedType(file, parameter.type, 'context', 'Context', false);
    const definitions = fn.descendantsOfType('short_var_declaration').filter((d): d is Node => d !== null && d.startIndex < at.startIndex);
    for (const definition of definitions.reverse()) {
      const left = named(definition.childForFieldName('left'));
      const right = named(definition.childForFieldName('right'));
      const index = left.findIndex((n) => n.text === name);
      if (index < 0) continue;
      const call = right.length === 1 ? right[0] : right[index];
      const fromCall = call?.type === 'call_expression' && CONTEXT_RESULTS.has(callParts(call).name ?? '');
      return fromCall && (right.length > 1 || index === 0);
    }
  }
  return false;
}

function keepContextFixes(file: GoFile, start: SpanStart, ctx: string, later: Node[]): Fix[] {
  const blank = start.contextTarget;
  if (!start.define) {
    return [{ title: `Keep the span's context in ${ctx}`, preferred: true, edits: [{ start: blank.startIndex, end: blank.endIndex, newText: ctx }] }];
  }
  const block = statementContainer(start.statement);
  if (!block) return [];
  // `ctx, span :=` declares a new ctx in a nested block: fine when only that block uses it afterwards;
  // when code after the block does too, assign to the outer ctx instead.
  if (isFunctionBody(block) || later.every((use) => contains(block, use))) {
    return [{ title: `Keep the span's context in ${ctx}`, preferred: true, edits: [{ start: blank.startIndex, end: blank.endIndex, newText: ctx }] }];
  }
  const trace = ensureImport(file, TRACE);
  const span = start.spanTarget.text;
  const indent = indentationAt(file.text, start.statement.startIndex);
  const rightStart = start.statement.childForFieldName('right')!.startIndex;
  const edits = [{ start: start.statement.startIndex, end: rightStart, newText: `var ${span} ${trace.name}.Span\n${indent}${ctx}, ${span} = ` }];
  if (trace.edit) edits.push(trace.edit);
  return [{ title: `Keep the span's context in ${ctx}`, preferred: true, edits }];
}

function isFunctionBody(list: Node): boolean {
  const block = list.type === 'block' ? list : list.parent;
  return block?.type === 'block' && block.parent !== null && FUNCTION_TYPES.has(block.parent.type);
}
