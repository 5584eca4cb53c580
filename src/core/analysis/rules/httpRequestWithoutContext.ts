import type { Node } from 'web-tree-sitter';
import type { GoFile, GoRule } from '../goRule';
import { contextSourcesInScope, IMPORT_HTTP, isPackageCall, preferredContextSource } from '../goScope';
import type { Fix, StaticFinding } from '../types';

/** SL203: `http.NewRequest(...)` while a ctx is in scope: the request carries no trace context (nor cancellation). */
export const httpRequestWithoutContext: GoRule = {
  id: 'go/http-request-without-context',
  code: 'SL203',
  title: 'http.NewRequest with a context in scope',
  check(file: GoFile): StaticFinding[] {
    const findings: StaticFinding[] = [];
    if (!file.imports.has(IMPORT_HTTP)) return findings;
    for (const call of file.nodes('call_expression')) {
      if (!isPackageCall(file, call, IMPORT_HTTP, ['NewRequest'])) continue;
      const fix = newRequestWithContextFix(file, call);
      if (!fix) continue;
      findings.push(file.finding(this, call.childForFieldName('function')!, 'http.NewRequest drops the context in scope, so the outgoing call is not part of its trace.', [fix]));
    }
    return findings;
  },
};

/** `http.NewRequest(m, u, b)` → `http.NewRequestWithContext(ctx, m, u, b)` with the in-scope context. */
export function newRequestWithContextFix(file: GoFile, call: Node): Fix | undefined {
  const source = preferredContextSource(contextSourcesInScope(file, call));
  const field = call.childForFieldName('function')?.childForFieldName('field');
  const firstArgument = call.childForFieldName('arguments')?.namedChildren.find((n): n is Node => n !== null && n.type !== 'comment');
  if (!source || !field || !firstArgument) return undefined;
  return {
    title: `Use http.NewRequestWithContext(${source.expression}, ...)`,
    preferred: true,
    edits: [
      { start: field.startIndex, end: field.endIndex, newText: 'NewRequestWithContext' },
      { start: firstArgument.startIndex, end: firstArgument.startIndex, newText: `${source.expression}, ` },
    ],
  };
}
