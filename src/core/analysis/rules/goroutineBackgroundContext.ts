import type { Node } from 'web-tree-sitter';
import { detachFix } from '../contextFix';
import type { GoFile, GoRule } from '../goRule';
import { contextSourcesInScope, IMPORT_CONTEXT, IMPORT_OTEL_TRACE, isFunctionNode, isPackageCall, nearestAncestor, preferredContextSource, referencesTo } from '../goScope';
import type { Fix, StaticFinding } from '../types';

/**
 * SL201: a goroutine started on context.Background()/TODO() while a ctx, *http.Request or *gin.Context is
 * in scope: its spans start a new trace instead of continuing the request's.
 */
export const goroutineBackgroundContext: GoRule = {
  id: 'go/goroutine-background-context',
  code: 'SL201',
  title: 'Goroutine on context.Background() while a request context is in scope',
  check(file: GoFile): StaticFinding[] {
    const findings: StaticFinding[] = [];
    if (!file.imports.has(IMPORT_CONTEXT)) return findings;
    for (const call of file.nodes('call_expression')) {
      const target = backgroundInGoroutine(file, call);
      if (!target) continue;
      const fixes = goroutineBackgroundFixes(file, call, target.goStatement);
      if (fixes.length === 0) continue;
      const name = call.childForFieldName('function')?.text ?? 'context.Background';
      findings.push(file.finding(this, call, `This goroutine starts from ${name}() although a request context is in scope, so its spans begin a new trace.`, fixes));
    }
    return findings;
  },
};

/** `call` is a context.Background()/TODO() that a goroutine runs on; the `go` statement. */
function backgroundInGoroutine(file: GoFile, call: Node): { goStatement: Node } | undefined {
  if (!isPackageCall(file, call, IMPORT_CONTEXT, ['Background', 'TODO'])) return undefined;
  const goStatement = nearestAncestor(call, 'go_statement', (n) => n.type === 'function_declaration' || n.type === 'method_declaration');
  if (!goStatement) return undefined;
  // The pre-1.21 fix itself: trace.ContextWithSpan(context.Background(), ...) carries the span on purpose.
  const outer = call.parent?.type === 'argument_list' ? call.parent.parent : undefined;
  if (outer && isPackageCall(file, outer, IMPORT_OTEL_TRACE, ['ContextWithSpan', 'ContextWithSpanContext', 'ContextWithRemoteSpanContext'])) return undefined;
  return { goStatement };
}

/**
 * The fix for a context.Background() in a goroutine: the in-scope ctx, detached. None when no ctx is in scope,
 * or when the goroutine also uses that ctx (e.g. waits on ctx.Done() and then shuts down on a fresh context:
 * the author chose Background knowingly).
 */
export function goroutineBackgroundFixes(file: GoFile, call: Node, goStatement: Node): Fix[] {
  const source = preferredContextSource(contextSourcesInScope(file, goStatement));
  if (!source) return [];
  if (source.kind === 'context' && usesOutsideNestedFunctions(goStatement, source.name)) return [];
  return [detachFix(file, call, source.expression)];
}

function usesOutsideNestedFunctions(goStatement: Node, name: string): boolean {
  return referencesTo(goStatement, name).some((ref) => {
    // A closure parameter of the same name shadows it: only references bound outside count.
    for (let n = ref.parent; n && n.id !== goStatement.id; n = n.parent) {
      if (isFunctionNode(n) && n.childForFieldName('parameters')?.text.match(new RegExp(`\\b${name}\\b`))) return false;
    }
    return true;
  });
}
