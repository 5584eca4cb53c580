import type { Node } from 'web-tree-sitter';
import type { GoFile, GoRule } from '../goRule';
import type { StaticFinding } from '../types';
import { callParts, enclosingFunctions, GIN, isQualifiedType, isTracerStart, named, parametersOf } from './goSyntax';

/** Packages whose functions take the context first: the OpenTelemetry API and instrumentations. */
const CONTEXT_FIRST_PREFIXES = ['go.opentelemetry.io/'];
const HTTP_CONTEXT_FUNCTIONS = ['NewRequestWithContext'];
/** Propagator and tracer methods whose first parameter is a context.Context. */
const CONTEXT_FIRST_METHODS = new Set(['Inject', 'Extract']);

/**
 * SL207: a `*gin.Context` passed where a context.Context is expected. It satisfies the interface, but (unless
 * the engine sets ContextWithFallback) does not look up values in the request's context, where otelgin put the span.
 */
export const ginContextAsContext: GoRule = {
  id: 'go/gin-context-as-context',
  code: 'SL207',
  title: '*gin.Context passed as a context.Context',
  check(file: GoFile): StaticFinding[] {
    if (!file.imports.has(GIN)) return [];
    const contextFirst = new Set([...file.imports].filter(([path]) => CONTEXT_FIRST_PREFIXES.some((p) => path.startsWith(p))).map(([, name]) => name));
    const httpName = file.imports.get('net/http');
    const localContextParams = contextParameterPositions(file);
    const findings: StaticFinding[] = [];
    for (const call of file.nodes('call_expression')) {
      const { operand, name, args } = callParts(call);
      args.forEach((arg, index) => {
        if (arg.type !== 'identifier' || !isGinContext(file, arg)) return;
        let expectsContext = false;
        if (index === 0) {
          expectsContext =
            isTracerStart(file, call) ||
            (operand?.type === 'identifier' && (contextFirst.has(operand.text) || (operand.text === httpName && HTTP_CONTEXT_FUNCTIONS.includes(name ?? '')))) ||
            (operand?.type === 'call_expression' && callParts(operand).name === 'GetTextMapPropagator' && CONTEXT_FIRST_METHODS.has(name ?? ''));
        }
        // Same-file functions declared with a context.Context at that position.
        if (!expectsContext && operand === undefined && name !== undefined) expectsContext = localContextParams.get(name)?.has(index) ?? false;
        if (!expectsContext) return;
        findings.push(
          file.finding(ginContextAsContext, arg, `The *gin.Context ${arg.text} is passed as a context.Context, but it does not carry the request's span; pass ${arg.text}.Request.Context().`, [
            { title: `Pass ${arg.text}.Request.Context()`, preferred: true, edits: [{ start: arg.startIndex, end: arg.endIndex, newText: `${arg.text}.Request.Context()` }] },
          ]),
        );
      });
    }
    return findings;
  },
};

/** `c` names a `*gin.Context` parameter of a function around it (and nothing nearer shadows it). */
function isGinContext(file: GoFile, identifier: Node): boolean {
  for (const fn of enclosingFunctions(identifier)) {
    const parameter = parametersOf(fn).find((p) => p.name === identifier.text);
    if (parameter) return isQualifiedType(file, parameter.type, GIN, 'Context', true);
  }
  return false;
}

/** Top-level functions of this file → the parameter positions typed context.Context. */
function contextParameterPositions(file: GoFile): Map<string, Set<number>> {
  const positions = new Map<string, Set<number>>();
  for (const fn of named(file.tree)) {
    if (fn.type !== 'function_declaration') continue;
    const name = fn.childForFieldName('name')?.text;
    if (!name) continue;
    const set = new Set(parametersOf(fn).filter((p) => isQualifiedType(file, p.type, 'context', 'Context', false)).map((p) => p.index));
    if (set.size > 0) positions.set(name, set);
  }
  return positions;
}
