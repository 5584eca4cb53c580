import type { Node } from 'web-tree-sitter';
import { ensureImports } from './goImports';
import type { GoFile } from './goRule';
import { IMPORT_CONTEXT, IMPORT_OTEL_TRACE } from './goScope';
import type { Fix } from './types';

/**
 * A context that keeps `contextExpression`'s trace but not its cancellation, in the form the module's Go
 * version allows: `context.WithoutCancel(ctx)` from Go 1.21, else a fresh context carrying the span.
 */
export function detachedContext(file: GoFile, contextExpression: string): { expression: string; title: string; importEdits: Fix['edits'] } {
  if (file.goVersionAtLeast(1, 21)) {
    const { names, edits } = ensureImports(file, [{ path: IMPORT_CONTEXT }]);
    return {
      expression: `${names[0]}.WithoutCancel(${contextExpression})`,
      title: `Use context.WithoutCancel(${contextExpression})`,
      importEdits: edits,
    };
  }
  const { names, edits } = ensureImports(file, [{ path: IMPORT_CONTEXT }, { path: IMPORT_OTEL_TRACE }]);
  const [contextName, traceName] = names;
  return {
    expression: `${traceName}.ContextWithSpan(${contextName}.Background(), ${traceName}.SpanFromContext(${contextExpression}))`,
    title: `Keep the trace: trace.ContextWithSpan(context.Background(), trace.SpanFromContext(${contextExpression}))`,
    importEdits: edits,
  };
}

/** Replaces `target` (a context argument, or a context.Background() call) with a detached copy of `contextExpression`. */
export function detachFix(file: GoFile, target: Node, contextExpression: string): Fix {
  const detached = detachedContext(file, contextExpression);
  return {
    title: detached.title,
    preferred: true,
    edits: [...detached.importEdits, { start: target.startIndex, end: target.endIndex, newText: detached.expression }],
  };
}
