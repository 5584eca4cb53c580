import type { Node } from 'web-tree-sitter';
import { ensureImports } from '../goImports';
import type { GoFile, GoRule } from '../goRule';
import type { Fix, StaticFinding, TextEdit } from '../types';
import { callParts, collect, declaresName, freshName, isPackageCall, isQualifiedType, isTracerStart, named, NATS, OTEL, parametersOf, PROPAGATION } from './goSyntax';

/** Subscribe methods → the index of the handler argument. */
const SUBSCRIBE_METHODS = new Map([
  ['Subscribe', 1],
  ['QueueSubscribe', 2],
]);

/**
 * SL212: a NATS message handler that starts spans but never extracts the publisher's trace context from the
 * message headers: every message starts a new trace.
 */
export const consumeWithoutExtract: GoRule = {
  id: 'go/consume-without-extract',
  code: 'SL212',
  title: 'Message handled without extracting the trace context',
  check(file: GoFile): StaticFinding[] {
    if (!file.imports.has(NATS)) return [];
    const findings: StaticFinding[] = [];
    const seen = new Set<number>();
    for (const handler of handlers(file)) {
      if (seen.has(handler.startIndex)) continue;
      seen.add(handler.startIndex);
      const message = parametersOf(handler).find((p) => isQualifiedType(file, p.type, NATS, 'Msg', true));
      const body = handler.childForFieldName('body');
      if (!message || !body) continue;
      const starts = collect(body, (n) => isTracerStart(file, n));
      if (starts.length === 0 || extracts(body) || handsMessageOn(body, message.name)) continue;
      findings.push(
        file.finding(
          consumeWithoutExtract,
          starts[0],
          `This message handler starts a span without extracting the publisher's trace context from the message headers, so every message starts a new trace.`,
          extractFixes(file, body, message.name, starts[0]),
        ),
      );
    }
    return findings;
  },
};

/** Callbacks given to `Subscribe`/`QueueSubscribe`: function literals, or functions and methods of this file. */
function handlers(file: GoFile): Node[] {
  const declared = new Map<string, Node[]>();
  for (const fn of named(file.tree)) {
    if (fn.type !== 'function_declaration' && fn.type !== 'method_declaration') continue;
    const name = fn.childForFieldName('name')?.text;
    if (name) declared.set(name, [...(declared.get(name) ?? []), fn]);
  }
  const result: Node[] = [];
  for (const call of file.nodes('call_expression')) {
    const { name, args } = callParts(call);
    const index = SUBSCRIBE_METHODS.get(name ?? '');
    const callback = index === undefined ? undefined : args[index];
    if (!callback || args.length !== index! + 1) continue;
    if (callback.type === 'func_literal') result.push(callback);
    else if (callback.type === 'identifier' || callback.type === 'selector_expression') {
      const target = callback.type === 'identifier' ? callback.text : callback.childForFieldName('field')?.text;
      const candidates = declared.get(target ?? '') ?? [];
      // A method name shared by several types: not sure which one is meant.
      if (candidates.length === 1) result.push(candidates[0]);
    }
  }
  return result;
}

function extracts(body: Node): boolean {
  return collect(body, (n) => n.type === 'call_expression' && callParts(n).name === 'Extract', true).length > 0;
}

/** The message (or its headers) handed to some call, the Start's options included: a helper may extract there. */
function handsMessageOn(body: Node, message: string): boolean {
  return collect(body, (n) => n.type === 'argument_list', true).some((list) =>
    named(list).some((arg) => arg.text === message || arg.text === `${message}.Header` || arg.text === `&${message}`),
  );
}

/**
 * The context the first span starts from, extracted from the headers: `ctx := context.Background()` becomes the
 * extraction; a `context.Background()` argument becomes a `ctx` extracted at the top of the handler; an outer ctx
 * is shadowed by its extracted self at the top.
 */
function extractFixes(file: GoFile, body: Node, message: string, start: Node): Fix[] {
  if (message === '_') return [];
  const parent = callParts(start).args[0];
  const { names, edits } = ensureImports(file, [{ path: OTEL }, { path: PROPAGATION }]);
  const [otel, propagation] = names;
  const extract = (from: string) => `${otel}.GetTextMapPropagator().Extract(${from}, ${propagation}.HeaderCarrier(${message}.Header))`;
  const fixEdits: TextEdit[] = [];
  if (isPackageCall(file, parent, 'context', ['Background', 'TODO'])) {
    const variable = freeContextName(body, start);
    fixEdits.push(topOfBody(file, body, `${variable} := ${extract(parent.text)}`));
    fixEdits.push({ start: parent.startIndex, end: parent.endIndex, newText: variable });
  } else if (parent.type === 'identifier') {
    const local = localBackground(file, body, parent.text);
    if (local) fixEdits.push({ start: local.startIndex, end: local.endIndex, newText: extract(local.text) });
    else if (declaresName(body, parent.text)) return [];
    else fixEdits.push(topOfBody(file, body, `${parent.text} := ${extract(parent.text)}`));
  } else {
    return [];
  }
  return [{ title: "Extract the publisher's trace context from the message headers", preferred: true, edits: [...edits, ...fixEdits] }];
}

/**
 * `ctx` for the extracted context, unless the handler declares a ctx of its own somewhere other than the Start's
 * `ctx, span :=` at its top level (which then simply reuses it).
 */
function freeContextName(body: Node, start: Node): string {
  const statement = start.parent?.parent;
  const topLevel = statement?.type === 'short_var_declaration' && statement.parent?.parent?.equals(body);
  const declarations = collect(body, (n) => (n.type === 'short_var_declaration' || n.type === 'var_spec' || n.type === 'parameter_declaration') && declaresName(n, 'ctx'), true);
  if (declarations.length === 0 || (declarations.length === 1 && topLevel && declarations[0].equals(statement!))) return 'ctx';
  return freshName(body, 'ctx');
}

/** The `context.Background()` of a `name := context.Background()` in the handler's body. */
function localBackground(file: GoFile, body: Node, name: string): Node | undefined {
  for (const declaration of collect(body, (n) => n.type === 'short_var_declaration')) {
    const left = named(declaration.childForFieldName('left'));
    const right = named(declaration.childForFieldName('right'));
    if (left.length === 1 && left[0].text === name && right.length === 1 && isPackageCall(file, right[0], 'context', ['Background', 'TODO'])) return right[0];
  }
  return undefined;
}

function topOfBody(file: GoFile, body: Node, line: string): TextEdit {
  const first = named(named(body)[0]?.type === 'statement_list' ? named(body)[0] : body)[0];
  if (first) {
    const lineStart = file.text.lastIndexOf('\n', first.startIndex - 1) + 1;
    return { start: lineStart, end: lineStart, newText: `${file.text.slice(lineStart, first.startIndex)}${line}\n` };
  }
  return { start: body.startIndex + 1, end: body.startIndex + 1, newText: `\n\t${line}\n` };
}
