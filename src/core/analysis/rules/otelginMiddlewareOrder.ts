import type { Node } from 'web-tree-sitter';
import { indentationAt, lineEndOf, lineStartOf } from '../goEdits';
import type { GoFile, GoRule } from '../goRule';
import type { Fix, StaticFinding, TextEdit } from '../types';
import { callParts, collect, declaresName, enclosingFunction, isPackageCall, named, statementContainer } from './goSyntax';

const OTELGIN = 'go.opentelemetry.io/contrib/instrumentation/github.com/gin-gonic/gin/otelgin';
/** gin methods that register routes, or a group that copies the engine's middleware as it is now. */
const ROUTE_METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'Any', 'Match', 'Handle', 'Group', 'Static', 'StaticFS', 'StaticFile', 'StaticFileFS', 'NoRoute', 'NoMethod']);

/** SL205: `r.Use(otelgin.Middleware(...))` after other middleware or routes on the same router. */
export const otelginMiddlewareOrder: GoRule = {
  id: 'go/otelgin-middleware-order',
  code: 'SL205',
  title: 'otelgin.Middleware registered late',
  check(file: GoFile): StaticFinding[] {
    if (!file.imports.has(OTELGIN)) return [];
    const findings: StaticFinding[] = [];
    for (const call of file.nodes('call_expression')) {
      const { operand, name, args } = callParts(call);
      if (name !== 'Use' || !operand || (operand.type !== 'identifier' && operand.type !== 'selector_expression')) continue;
      const middlewareIndex = args.findIndex((a) => isPackageCall(file, a, OTELGIN, ['Middleware']));
      const fn = enclosingFunction(call);
      if (middlewareIndex < 0 || !fn) continue;
      const earlier = earlierRegistrations(fn, call, operand.text);
      const routes = earlier.some((e) => callParts(e).name !== 'Use');
      if (earlier.length === 0 && middlewareIndex === 0) continue;
      const what = routes ? 'routes registered before it get no server span' : 'middleware registered before it runs outside the server span';
      findings.push(
        file.finding(otelginMiddlewareOrder, call, `This otelgin.Middleware is added to ${operand.text} after other registrations, so ${what}.`, moveFirstFixes(file, call, args[middlewareIndex], earlier[0] ?? call)),
      );
    }
    return findings;
  },
};

/** `router.Use(...)` and route registrations on the same router, earlier in the same function (closures excluded). */
function earlierRegistrations(fn: Node, use: Node, router: string): Node[] {
  return collect(fn, (n) => {
    if (n.type !== 'call_expression' || n.startIndex >= use.startIndex) return false;
    const { operand, name } = callParts(n);
    return operand?.text === router && (name === 'Use' || ROUTE_METHODS.has(name ?? ''));
  });
}

/**
 * A `router.Use(otelgin.Middleware(...))` statement of its own before the first registration, and the middleware
 * taken out of where it was. No fix when that would move it above what its arguments are computed from.
 */
function moveFirstFixes(file: GoFile, use: Node, middleware: Node, first: Node): Fix[] {
  const useStatement = use.parent;
  const firstStatement = statementOf(first);
  if (useStatement?.type !== 'expression_statement' || !firstStatement || !statementContainer(useStatement)) return [];
  if (!statementContainer(firstStatement)?.equals(statementContainer(useStatement)!)) return [];
  // Anything declared between the new place and the old one must not be needed by the middleware's arguments.
  const between = named(statementContainer(useStatement)).filter((s) => s.startIndex >= firstStatement.startIndex && s.startIndex < useStatement.startIndex);
  const identifiers = collect(middleware, (n) => n.type === 'identifier', true).map((n) => n.text);
  if (between.some((s) => identifiers.some((id) => declaresName(s, id)))) return [];

  const router = callParts(use).operand!.text;
  const edits: TextEdit[] = [];
  const args = callParts(use).args;
  if (args.length === 1) {
    const start = lineStartOf(file.text, useStatement.startIndex);
    const end = lineEndOf(file.text, useStatement.endIndex);
    const rest = file.text.slice(useStatement.endIndex, end).trim();
    if (file.text.slice(start, useStatement.startIndex).trim() !== '' || (rest !== '' && !rest.startsWith('//'))) return [];
    edits.push({ start, end: end + 1, newText: '' });
  } else {
    const index = args.findIndex((a) => a.equals(middleware));
    // Drop the argument with the separator on one side of it.
    const removal = index < args.length - 1 ? { start: middleware.startIndex, end: args[index + 1].startIndex } : { start: args[index - 1].endIndex, end: middleware.endIndex };
    edits.push({ ...removal, newText: '' });
  }
  const at = firstStatement.startIndex;
  edits.push({ start: at, end: at, newText: `${router}.Use(${middleware.text})\n${indentationAt(file.text, at)}` });
  return [{ title: `Register otelgin.Middleware first on ${router}`, preferred: true, edits }];
}

function statementOf(node: Node): Node | undefined {
  for (let current: Node | null = node; current; current = current.parent) if (statementContainer(current)) return current;
  return undefined;
}
