import type { Node } from 'web-tree-sitter';
import { detachedContext } from '../contextFix';
import { insertLineBefore } from '../goEdits';
import type { GoFile, GoRule } from '../goRule';
import type { Fix, StaticFinding, TextEdit } from '../types';
import { callParts, declaresName, enclosingFunction, enclosingFunctions, freshName, GIN, identifierUses, isQualifiedType, named, parametersOf, statementContainer } from './goSyntax';

/** SL206: a `*gin.Context` used by a goroutine: gin reuses it for the next request once the handler returns. */
export const ginContextInGoroutine: GoRule = {
  id: 'go/gin-context-in-goroutine',
  code: 'SL206',
  title: '*gin.Context used inside a goroutine',
  check(file: GoFile): StaticFinding[] {
    if (!file.imports.has(GIN)) return [];
    const findings: StaticFinding[] = [];
    for (const goStatement of file.nodes('go_statement')) {
      const call = named(goStatement)[0];
      if (call?.type !== 'call_expression') continue;
      for (const name of ginContextsInScope(file, goStatement)) {
        const uses = goroutineUses(call, name);
        if (uses.inside.length + uses.handed.length === 0) continue;
        const first = [...uses.handed, ...uses.inside].sort((a, b) => a.startIndex - b.startIndex)[0];
        findings.push(
          file.finding(
            ginContextInGoroutine,
            first,
            `The *gin.Context ${name} is used inside a goroutine, but gin recycles it for another request once the handler returns.`,
            goroutineFixes(file, goStatement, name, uses),
          ),
        );
      }
    }
    return findings;
  },
};

/** Parameters of type `*gin.Context` of the functions around `node`. */
function ginContextsInScope(file: GoFile, node: Node): string[] {
  const names: string[] = [];
  for (const fn of enclosingFunctions(node)) {
    for (const p of parametersOf(fn)) if (p.name !== '_' && isQualifiedType(file, p.type, GIN, 'Context', true) && !names.includes(p.name)) names.push(p.name);
  }
  return names;
}

interface GoroutineUses {
  /** Uses in a function literal's body: they run on the new goroutine. */
  inside: Node[];
  /** `go f(c)`, `go func(...){...}(c)`, `go c.Method()`: the context itself handed to the goroutine. */
  handed: Node[];
}

function goroutineUses(call: Node, name: string): GoroutineUses {
  const fn = call.childForFieldName('function');
  const handed = callParts(call).args.filter((a) => a.type === 'identifier' && a.text === name);
  if (fn?.type === 'func_literal') {
    const body = fn.childForFieldName('body');
    const shadowed = declaresName(fn, name);
    return { inside: body && !shadowed ? identifierUses(body, name) : [], handed };
  }
  const receiver = callParts(call).operand;
  if (receiver?.type === 'identifier' && receiver.text === name) handed.push(receiver);
  return { inside: [], handed };
}

/** `c.Request.Context()` around a use of `c`, when that is all the use is. */
function requestContextCall(use: Node): Node | undefined {
  const request = use.parent;
  if (request?.type !== 'selector_expression' || request.childForFieldName('field')?.text !== 'Request') return undefined;
  const context = request.parent;
  if (context?.type !== 'selector_expression' || context.childForFieldName('field')?.text !== 'Context') return undefined;
  const call = context.parent;
  return call?.type === 'call_expression' && callParts(call).args.length === 0 ? call : undefined;
}

/**
 * Preferred: when the goroutine only wants the request's context, take it (detached: the goroutine outlives
 * the request) before the `go` and use that. Otherwise, and as an alternative: a `c.Copy()` made before the `go`.
 */
function goroutineFixes(file: GoFile, goStatement: Node, name: string, uses: GoroutineUses): Fix[] {
  if (!statementContainer(goStatement)) return [];
  const scope = enclosingFunction(goStatement) ?? goStatement;
  const fixes: Fix[] = [];
  const contextCalls = uses.inside.map(requestContextCall);
  if (uses.handed.length === 0 && contextCalls.every((c) => c !== undefined)) {
    const variable = freshName(scope, 'ctx');
    const detached = detachedContext(file, `${name}.Request.Context()`);
    const edits: TextEdit[] = [...detached.importEdits, insertLineBefore(file.text, goStatement, `${variable} := ${detached.expression}`)];
    for (const call of contextCalls) edits.push({ start: call!.startIndex, end: call!.endIndex, newText: variable });
    fixes.push({ title: `Take the request's context before the goroutine (${detached.expression})`, preferred: true, edits });
  }
  const edits: TextEdit[] = [];
  if (uses.inside.length > 0) {
    const copy = freshName(scope, `${name}Copy`);
    edits.push(insertLineBefore(file.text, goStatement, `${copy} := ${name}.Copy()`));
    for (const use of uses.inside) edits.push({ start: use.startIndex, end: use.endIndex, newText: copy });
  }
  for (const use of uses.handed) edits.push({ start: use.startIndex, end: use.endIndex, newText: `${name}.Copy()` });
  fixes.push({ title: `Give the goroutine ${name}.Copy()`, preferred: fixes.length === 0, edits });
  return fixes;
}
