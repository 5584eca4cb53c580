import type { Node } from 'web-tree-sitter';
import type { GoFile } from '../goRule';

/** Syntax helpers shared by the span, gin, messaging and gRPC rules: names only, no type checking. */

export const FUNCTION_TYPES = new Set(['function_declaration', 'method_declaration', 'func_literal']);

export function named(node: Node | null | undefined): Node[] {
  return node ? node.namedChildren.filter((c): c is Node => c !== null) : [];
}

/** Depth-first over named nodes in source order; `visit` returning false skips the node's children. */
export function walk(node: Node, visit: (node: Node) => boolean | void): void {
  const stack: Node[] = [node];
  while (stack.length > 0) {
    const current = stack.pop()!;
    if (visit(current) === false) continue;
    const children = named(current);
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
  }
}

/** Every named descendant (and the node itself) that passes `test`, not entering nested function literals. */
export function collect(node: Node, test: (node: Node) => boolean, enterFunctionLiterals = false): Node[] {
  const found: Node[] = [];
  walk(node, (current) => {
    if (current !== node && current.type === 'func_literal' && !enterFunctionLiterals) return false;
    if (test(current)) found.push(current);
  });
  return found;
}

export function enclosingFunction(node: Node): Node | undefined {
  for (let current = node.parent; current; current = current.parent) if (FUNCTION_TYPES.has(current.type)) return current;
  return undefined;
}

/** The functions around a node, innermost first. */
export function enclosingFunctions(node: Node): Node[] {
  const result: Node[] = [];
  for (let current = node.parent; current; current = current.parent) if (FUNCTION_TYPES.has(current.type)) result.push(current);
  return result;
}

export function contains(outer: Node, inner: Node): boolean {
  return outer.startIndex <= inner.startIndex && inner.endIndex <= outer.endIndex;
}

export interface CallParts {
  /** `x` of `x.f(...)`. */
  operand?: Node;
  /** `f` of `x.f(...)` or of `f(...)`. */
  name?: string;
  args: Node[];
}

export function callParts(call: Node): CallParts {
  const fn = call.childForFieldName('function');
  const args = named(call.childForFieldName('arguments')).filter((a) => a.type !== 'comment');
  if (fn?.type === 'identifier') return { name: fn.text, args };
  if (fn?.type === 'selector_expression') {
    return { operand: fn.childForFieldName('operand') ?? undefined, name: fn.childForFieldName('field')?.text, args };
  }
  return { args };
}

/** `pkg.Name(...)` with pkg the file's local name for `importPath`. */
export function isPackageCall(file: GoFile, call: Node, importPath: string, names: readonly string[]): boolean {
  const pkg = file.imports.get(importPath);
  if (pkg === undefined || call.type !== 'call_expression') return false;
  const { operand, name } = callParts(call);
  return operand?.type === 'identifier' && operand.text === pkg && name !== undefined && names.includes(name);
}

/** `pkg.Name` or `*pkg.Name` as written in a parameter or field type. */
export function isQualifiedType(file: GoFile, type: Node | null | undefined, importPath: string, name: string, pointer: boolean): boolean {
  if (!type) return false;
  let inner: Node | null | undefined = type;
  if (pointer) {
    if (type.type !== 'pointer_type') return false;
    inner = named(type)[0];
  }
  return (
    inner?.type === 'qualified_type' &&
    inner.childForFieldName('package')?.text === file.imports.get(importPath) &&
    inner.childForFieldName('name')?.text === name
  );
}

export interface Parameter {
  name: string;
  node: Node;
  type: Node;
  index: number;
}

/** A function's parameters in order (`a, b T` gives two), receivers excluded. */
export function parametersOf(fn: Node): Parameter[] {
  const result: Parameter[] = [];
  let index = 0;
  for (const declaration of named(fn.childForFieldName('parameters'))) {
    if (declaration.type !== 'parameter_declaration' && declaration.type !== 'variadic_parameter_declaration') continue;
    const type = declaration.childForFieldName('type');
    const names = declaration.childrenForFieldName('name').filter((n): n is Node => n !== null);
    if (!type) continue;
    if (names.length === 0) {
      index++;
      continue;
    }
    for (const name of names) result.push({ name: name.text, node: name, type, index: index++ });
  }
  return result;
}

/** An identifier used as a value: not a struct literal key and not a field name. */
export function isValueIdentifier(node: Node): boolean {
  if (node.type !== 'identifier') return false;
  const parent = node.parent;
  if (parent?.type === 'literal_element' && parent.parent?.type === 'keyed_element' && parent.parent.childForFieldName('key')?.equals(parent)) {
    return false;
  }
  return true;
}

/** Value uses of `name` inside `root`, function literals included. */
export function identifierUses(root: Node, name: string): Node[] {
  return collect(root, (n) => n.text === name && isValueIdentifier(n), true);
}

/** True when `name` is declared (parameter, `:=`, `var`, range) somewhere inside `root`. */
export function declaresName(root: Node, name: string): boolean {
  let found = false;
  walk(root, (node) => {
    if (found) return false;
    if (node.type === 'parameter_declaration' || node.type === 'variadic_parameter_declaration' || node.type === 'var_spec') {
      if (node.childrenForFieldName('name').some((n) => n?.text === name)) found = true;
    } else if (node.type === 'short_var_declaration' || node.type === 'range_clause') {
      if (named(node.childForFieldName('left')).some((n) => n.text === name)) found = true;
    }
  });
  return found;
}

/** `base`, else `base2`, `base3`... : a name no identifier in `scope` already uses. */
export function freshName(scope: Node, base: string): string {
  const used = new Set(collect(scope, (n) => n.type === 'identifier', true).map((n) => n.text));
  let name = base;
  for (let i = 2; used.has(name); i++) name = `${base}${i}`;
  return name;
}

/** Names a tracer is held by in this file: `x = otel.Tracer(...)`, `x := tp.Tracer(...)`. */
const tracerNamesByFile = new WeakMap<GoFile, Set<string>>();
function tracerNames(file: GoFile): Set<string> {
  let names = tracerNamesByFile.get(file);
  if (names) return names;
  names = new Set();
  const isTracerCall = (n: Node | undefined) => n?.type === 'call_expression' && callParts(n).name === 'Tracer';
  for (const spec of file.nodes('var_spec')) {
    const values = named(spec.childForFieldName('value'));
    spec.childrenForFieldName('name').forEach((n, i) => {
      if (n && isTracerCall(values[i])) names!.add(n.text);
    });
  }
  for (const declaration of file.nodes('short_var_declaration')) {
    const values = named(declaration.childForFieldName('right'));
    named(declaration.childForFieldName('left')).forEach((n, i) => {
      if (isTracerCall(values[i])) names!.add(n.text);
    });
  }
  tracerNamesByFile.set(file, names);
  return names;
}

/** `tracer.Start(ctx, "name", ...)`: a Start on something named or built as a tracer. */
export function isTracerStart(file: GoFile, call: Node): boolean {
  if (call.type !== 'call_expression') return false;
  const { operand, name, args } = callParts(call);
  if (name !== 'Start' || !operand || args.length < 2) return false;
  if (operand.type === 'call_expression') return callParts(operand).name === 'Tracer';
  const last = operand.type === 'selector_expression' ? operand.childForFieldName('field')?.text : operand.type === 'identifier' ? operand.text : undefined;
  return last !== undefined && (/tracer$/i.test(last) || tracerNames(file).has(last));
}

export interface SpanStart {
  /** The `:=` / `=` statement (or `var` spec) holding the Start call. */
  statement: Node;
  call: Node;
  /** Left-hand sides: the context and the span. */
  contextTarget: Node;
  spanTarget: Node;
  define: boolean;
}

/** `ctx, span := tracer.Start(...)` and `ctx, span = tracer.Start(...)` in the file. */
export function spanStarts(file: GoFile): SpanStart[] {
  const result: SpanStart[] = [];
  for (const type of ['short_var_declaration', 'assignment_statement']) {
    for (const statement of file.nodes(type)) {
      const left = named(statement.childForFieldName('left'));
      const right = named(statement.childForFieldName('right'));
      if (left.length !== 2 || right.length !== 1 || !isTracerStart(file, right[0])) continue;
      if (type === 'assignment_statement' && statement.childForFieldName('operator')?.text !== '=') continue;
      result.push({ statement, call: right[0], contextTarget: left[0], spanTarget: left[1], define: type === 'short_var_declaration' });
    }
  }
  return result.sort((a, b) => a.statement.startIndex - b.statement.startIndex);
}

/** The block (statement list) a statement sits in. */
export function statementContainer(statement: Node): Node | undefined {
  const parent = statement.parent;
  return parent && (parent.type === 'statement_list' || parent.type === 'block') ? parent : undefined;
}

/** The `for` loop between a node and its function, if any. */
export function enclosingLoop(node: Node, fn: Node): Node | undefined {
  for (let current = node.parent; current && current !== fn; current = current.parent) if (current.type === 'for_statement') return current;
  return undefined;
}

const CONTEXT_SOURCES = new Set(['Start', 'Extract', 'WithoutCancel', 'WithCancel', 'WithTimeout', 'WithDeadline', 'WithValue', 'Background', 'TODO', 'Context', 'ContextWithSpan']);

/**
 * An expression for the trace context in scope at `node`: the nearest `context.Context` variable (a parameter
 * or `ctx := ...Start/Extract/context.With...(...)` before it), else `r.Context()` for an `*http.Request`
 * parameter, else `c.Request.Context()` for a `*gin.Context` one.
 */
export function contextInScope(file: GoFile, node: Node): string | undefined {
  for (let current: Node | null = node; current; current = current.parent) {
    if (current.type === 'statement_list' || current.type === 'block') {
      for (const statement of named(current)) {
        if (statement.startIndex >= node.startIndex) break;
        if (statement.type !== 'short_var_declaration') continue;
        const first = named(statement.childForFieldName('left'))[0];
        const value = named(statement.childForFieldName('right'))[0];
        if (first?.type === 'identifier' && first.text !== '_' && value?.type === 'call_expression' && CONTEXT_SOURCES.has(callParts(value).name ?? '')) {
          if (callParts(value).name !== 'Context' || /ctx/i.test(first.text)) return first.text;
        }
      }
    }
    if (FUNCTION_TYPES.has(current.type)) {
      const parameters = parametersOf(current);
      const ctx = parameters.find((p) => isQualifiedType(file, p.type, 'context', 'Context', false) && p.name !== '_');
      if (ctx) return ctx.name;
      const request = parameters.find((p) => isQualifiedType(file, p.type, 'net/http', 'Request', true) && p.name !== '_');
      if (request) return `${request.name}.Context()`;
      const gin = parameters.find((p) => isQualifiedType(file, p.type, GIN, 'Context', true) && p.name !== '_');
      if (gin) return `${gin.name}.Request.Context()`;
    }
  }
  return undefined;
}

export const GIN = 'github.com/gin-gonic/gin';
export const OTEL = 'go.opentelemetry.io/otel';
export const PROPAGATION = 'go.opentelemetry.io/otel/propagation';
export const NATS = 'github.com/nats-io/nats.go';
