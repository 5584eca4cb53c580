import type { Node } from 'web-tree-sitter';
import { detachFix } from '../contextFix';
import type { GoFile, GoRule } from '../goRule';
import { enclosingFunction, functionParameters, IMPORT_CONTEXT, isFunctionNode, isPackageCall, parameterContextKind, returnsContext } from '../goScope';
import type { Fix, StaticFinding } from '../types';

/**
 * SL202: `go f(ctx)` where ctx surely is the request's (r.Context(), c.Request.Context(), or derived from
 * them in this function): it is canceled when the handler returns, so the goroutine's work and spans are cut.
 */
export const goroutineRequestContext: GoRule = {
  id: 'go/goroutine-request-context',
  code: 'SL202',
  title: 'Goroutine on the request context',
  check(file: GoFile): StaticFinding[] {
    const findings: StaticFinding[] = [];
    for (const goStatement of file.nodes('go_statement')) {
      const fn = enclosingFunction(goStatement);
      if (!fn || waitsForGoroutines(fn)) continue;
      for (const argument of goCallArguments(goStatement)) {
        if (!isRequestContext(file, argument, goStatement, 0)) continue;
        findings.push(
          file.finding(this, argument, `This goroutine runs on the request's context, which is canceled when the handler returns, cutting its work and spans short.`, [
            detachArgumentFix(file, argument),
          ]),
        );
      }
    }
    return findings;
  },
};

/** Wraps a context argument of a `go` call so it keeps the trace and drops the cancellation. */
export function detachArgumentFix(file: GoFile, argument: Node): Fix {
  return detachFix(file, argument, argument.text);
}

/** The arguments of `go f(a, b)`; none for `go func() { ... }()` literals' bodies (their own args count). */
export function goCallArguments(goStatement: Node): Node[] {
  const call = goStatement.namedChildren.find((c) => c?.type === 'call_expression');
  return (call?.childForFieldName('arguments')?.namedChildren ?? []).filter((n): n is Node => n !== null);
}

/** The handler waits for its goroutines (WaitGroup, errgroup, a channel receive, select): its ctx outlives them. */
function waitsForGoroutines(fn: Node): boolean {
  const body = fn.childForFieldName('body');
  if (!body) return false;
  if (body.descendantsOfType('select_statement').length > 0) return true;
  if (body.descendantsOfType('unary_expression').some((u) => u?.child(0)?.type === '<-')) return true;
  return body.descendantsOfType('call_expression').some((c) => {
    const f = c?.childForFieldName('function');
    return f?.type === 'selector_expression' && f.childForFieldName('field')?.text === 'Wait';
  });
}

/**
 * `expression` surely evaluates to the request's context at `at`: `r.Context()` / `c.Request.Context()` on a
 * request parameter of the enclosing function, or a local assigned from such (through context.With* or
 * tracer.Start) and never reassigned.
 */
export function isRequestContext(file: GoFile, expression: Node, at: Node, depth: number): boolean {
  if (depth > 4) return false;
  if (expression.type === 'call_expression') return isRequestContextCall(file, expression, at);
  if (expression.type !== 'identifier') return false;
  const declaration = localDeclaration(expression.text, at);
  if (!declaration) return false;
  const right = declaration.childForFieldName('right')?.namedChildren[0];
  if (!right || right.type !== 'call_expression' || !returnsContext(file, right)) return false;
  if (isRequestContextCall(file, right, declaration)) return true;
  // context.WithoutCancel detaches: what follows no longer ends with the request.
  if (isPackageCall(file, right, IMPORT_CONTEXT, ['WithoutCancel'])) return false;
  // Derived: context.WithTimeout(parent, ...), tracer.Start(parent, ...): follow the parent.
  const parent = right.childForFieldName('arguments')?.namedChildren[0];
  return !!parent && isRequestContext(file, parent, declaration, depth + 1);
}

/** `r.Context()` with r an *http.Request parameter, `c.Request.Context()` with c a *gin.Context parameter. */
function isRequestContextCall(file: GoFile, call: Node, at: Node): boolean {
  const fn = call.childForFieldName('function');
  if (fn?.type !== 'selector_expression' || fn.childForFieldName('field')?.text !== 'Context') return false;
  if ((call.childForFieldName('arguments')?.namedChildren.length ?? 0) !== 0) return false;
  const operand = fn.childForFieldName('operand');
  if (operand?.type === 'identifier') return parameterKind(file, operand.text, at) === 'request';
  if (operand?.type === 'selector_expression' && operand.childForFieldName('field')?.text === 'Request') {
    const inner = operand.childForFieldName('operand');
    return inner?.type === 'identifier' && parameterKind(file, inner.text, at) === 'gin';
  }
  return false;
}

/** The kind of the parameter `name` of the function enclosing `at` (the nearest that declares it). */
function parameterKind(file: GoFile, name: string, at: Node): string | undefined {
  for (let fn = enclosingFunction(at); fn; fn = enclosingFunction(fn)) {
    for (const group of functionParameters(fn)) {
      if (group.names.some((n) => n.text === name)) return parameterContextKind(file, group.type);
    }
  }
  return undefined;
}

/**
 * The one `name := ...` short declaration in the function enclosing `at`, before `at`, in a block holding
 * `at`; undefined when there is none, or when `name` is also assigned with `=` (its value is then unsure).
 */
function localDeclaration(name: string, at: Node): Node | undefined {
  const fn = enclosingFunction(at);
  const body = fn?.childForFieldName('body');
  if (!body) return undefined;
  let found: Node | undefined;
  for (const statement of body.descendantsOfType(['short_var_declaration', 'assignment_statement'])) {
    if (!statement) continue;
    const left = statement.childForFieldName('left')?.namedChildren ?? [];
    if (!left.some((n) => n?.type === 'identifier' && n.text === name)) continue;
    if (statement.type === 'assignment_statement') return undefined;
    if (innerFunctionBetween(statement, fn!)) continue;
    if (statement.startIndex >= at.startIndex) continue;
    const block = statement.parent;
    if (!block || at.startIndex < block.startIndex || at.endIndex > block.endIndex) continue;
    if (found) return undefined;
    found = statement;
  }
  return found;
}

function innerFunctionBetween(node: Node, fn: Node): boolean {
  for (let n = node.parent; n && n.id !== fn.id; n = n.parent) if (isFunctionNode(n)) return true;
  return false;
}
