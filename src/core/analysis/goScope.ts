import type { Node } from 'web-tree-sitter';
import type { GoFile } from './goRule';

export const IMPORT_CONTEXT = 'context';
export const IMPORT_HTTP = 'net/http';
export const IMPORT_GIN = 'github.com/gin-gonic/gin';
export const IMPORT_OTEL = 'go.opentelemetry.io/otel';
export const IMPORT_OTEL_TRACE = 'go.opentelemetry.io/otel/trace';
export const IMPORT_PROPAGATION = 'go.opentelemetry.io/otel/propagation';
export const IMPORT_OTELHTTP = 'go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp';

/** Where a request's context can be had: a context.Context, an *http.Request (`r.Context()`), a *gin.Context (`c.Request.Context()`). */
export type ContextSourceKind = 'context' | 'request' | 'gin';

export interface ContextSource {
  kind: ContextSourceKind;
  /** The variable. */
  name: string;
  /** The Go expression giving its context.Context. */
  expression: string;
  /** The node that declares it (a parameter's identifier, or a short variable declaration). */
  declaration: Node;
}

const FUNCTION_TYPES = new Set(['function_declaration', 'method_declaration', 'func_literal']);
export function isFunctionNode(node: Node): boolean {
  return FUNCTION_TYPES.has(node.type);
}

/** A variable name that holds a context by convention. */
const CONTEXT_NAME = /^(?:ctx|\w*Ctx|\w*Context)$/;

/**
 * The contexts visible at `at`, innermost first: parameters of the enclosing functions (closures see their
 * outer functions' parameters) and `ctx := ...` locals declared before `at` in an enclosing block from a call
 * that surely returns a context (context.With*, tracer.Start, r.Context(), ...). Shadowed names count once.
 */
export function contextSourcesInScope(file: GoFile, at: Node): ContextSource[] {
  const sources: ContextSource[] = [];
  const seen = new Set<string>();
  const push = (source: ContextSource) => {
    if (seen.has(source.name) || source.name === '_') return;
    seen.add(source.name);
    sources.push(source);
  };
  for (let node: Node | null = at.parent, child: Node = at; node; child = node, node = node.parent) {
    if (node.type === 'block' || node.type === 'statement_list') {
      for (const local of contextLocalsBefore(file, node, child.startIndex)) push(local);
    }
    if (isFunctionNode(node)) {
      for (const parameter of functionParameters(node)) {
        const kind = parameterContextKind(file, parameter.type);
        if (kind) for (const name of parameter.names) push(sourceFor(kind, name.text, name));
      }
    }
  }
  return sources;
}

/** The source a fix should use: a context.Context first, then a request, then a gin context. */
export function preferredContextSource(sources: readonly ContextSource[]): ContextSource | undefined {
  return sources.find((s) => s.kind === 'context') ?? sources.find((s) => s.kind === 'request') ?? sources.find((s) => s.kind === 'gin');
}

function sourceFor(kind: ContextSourceKind, name: string, declaration: Node): ContextSource {
  const expression = kind === 'context' ? name : kind === 'request' ? `${name}.Context()` : `${name}.Request.Context()`;
  return { kind, name, expression, declaration };
}

export interface ParameterGroup {
  names: Node[];
  type: Node;
}

export function functionParameters(fn: Node): ParameterGroup[] {
  const groups: ParameterGroup[] = [];
  const lists = [fn.childForFieldName('receiver'), fn.childForFieldName('parameters')];
  for (const list of lists) {
    for (const declaration of list?.namedChildren ?? []) {
      if (declaration?.type !== 'parameter_declaration') continue;
      const type = declaration.childForFieldName('type');
      if (!type) continue;
      groups.push({ names: declaration.childrenForFieldName('name').filter((n): n is Node => n !== null), type });
    }
  }
  return groups;
}

/** 'context' for `context.Context`, 'request' for `*http.Request`, 'gin' for `*gin.Context`, under this file's import names. */
export function parameterContextKind(file: GoFile, type: Node): ContextSourceKind | undefined {
  const text = type.text.replace(/\s+/g, '');
  const contextName = file.imports.get(IMPORT_CONTEXT);
  const httpName = file.imports.get(IMPORT_HTTP);
  const ginName = file.imports.get(IMPORT_GIN);
  if (contextName && text === `${contextName}.Context`) return 'context';
  if (httpName && text === `*${httpName}.Request`) return 'request';
  if (ginName && text === `*${ginName}.Context`) return 'gin';
  return undefined;
}

/** `ctx := <call that surely returns a context>` statements of `block` that end before `before`. */
function contextLocalsBefore(file: GoFile, block: Node, before: number): ContextSource[] {
  const found: ContextSource[] = [];
  for (const statement of block.namedChildren) {
    if (!statement || statement.endIndex > before) break;
    if (statement.type !== 'short_var_declaration') continue;
    const left = statement.childForFieldName('left')?.namedChildren ?? [];
    const right = statement.childForFieldName('right')?.namedChildren ?? [];
    const first = left[0];
    if (first?.type !== 'identifier' || !CONTEXT_NAME.test(first.text) || right.length !== 1) continue;
    if (right[0] && returnsContext(file, right[0])) found.push(sourceFor('context', first.text, statement));
  }
  // Innermost (latest) declaration first.
  return found.reverse();
}

/** Calls whose first result is a context.Context. */
export function returnsContext(file: GoFile, expression: Node): boolean {
  if (expression.type !== 'call_expression') return false;
  const fn = expression.childForFieldName('function');
  if (fn?.type !== 'selector_expression') return false;
  const field = fn.childForFieldName('field')?.text ?? '';
  const operand = fn.childForFieldName('operand');
  if (!operand) return false;
  const contextName = file.imports.get(IMPORT_CONTEXT);
  if (operand.type === 'identifier' && operand.text === contextName) return /^With/.test(field) || field === 'Background' || field === 'TODO';
  if (operand.type === 'identifier' && operand.text === file.imports.get(IMPORT_OTEL_TRACE)) return /^ContextWith/.test(field);
  // tracer.Start(ctx, ...) returns (ctx, span); r.Context() and c.Request.Context() return the request's.
  if (field === 'Start') return argumentCount(expression) >= 2;
  if (field === 'Context') return argumentCount(expression) === 0;
  if (field === 'Extract') return argumentCount(expression) === 2;
  return false;
}

export function argumentCount(call: Node): number {
  return call.childForFieldName('arguments')?.namedChildren.length ?? 0;
}

/** `pkg.Name(...)` where pkg is the file's name for `importPath` and Name is one of `names`. */
export function isPackageCall(file: GoFile, call: Node, importPath: string, names: readonly string[]): boolean {
  const fn = call.childForFieldName('function');
  return fn?.type === 'selector_expression' && isPackageSelector(file, fn, importPath, names);
}

/** `pkg.Name` where pkg is the file's name for `importPath`. */
export function isPackageSelector(file: GoFile, selector: Node, importPath: string, names: readonly string[]): boolean {
  const pkg = file.imports.get(importPath);
  const operand = selector.childForFieldName('operand');
  return pkg !== undefined && operand?.type === 'identifier' && operand.text === pkg && names.includes(selector.childForFieldName('field')?.text ?? '');
}

export function nearestAncestor(node: Node, types: ReadonlySet<string> | string, stopAt?: (n: Node) => boolean): Node | undefined {
  for (let current = node.parent; current; current = current.parent) {
    if (typeof types === 'string' ? current.type === types : types.has(current.type)) return current;
    if (stopAt?.(current)) return undefined;
  }
  return undefined;
}

/** The innermost function (declaration or literal) holding the node. */
export function enclosingFunction(node: Node): Node | undefined {
  return nearestAncestor(node, FUNCTION_TYPES);
}

/** Every identifier named `name` under `node` (uses, not field names). */
export function referencesTo(node: Node, name: string): Node[] {
  return node.descendantsOfType('identifier').filter((n): n is Node => n !== null && n.text === name);
}
