import type { Node } from 'web-tree-sitter';
import { indentationAt } from '../goEdits';
import { ensureImports } from '../goImports';
import type { GoFile, GoRule } from '../goRule';
import type { Fix, StaticFinding } from '../types';
import { callParts, collect, contextInScope, FUNCTION_TYPES, freshName, isPackageCall, isQualifiedType, named, NATS, OTEL, PROPAGATION, statementContainer } from './goSyntax';

/** nats.Conn methods that send a message, with their argument count. */
const PUBLISH_METHODS = new Map([
  ['Publish', 2],
  ['PublishMsg', 1],
]);

/**
 * SL211: a NATS message published, with a trace context in scope, from a function that never injects that
 * context (`Inject`) into the message headers: the consumer cannot continue the trace.
 */
export const publishWithoutInject: GoRule = {
  id: 'go/publish-without-inject',
  code: 'SL211',
  title: 'Message published without injecting the trace context',
  check(file: GoFile): StaticFinding[] {
    if (!file.imports.has(NATS)) return [];
    const connections = natsConnectionNames(file);
    const findings: StaticFinding[] = [];
    for (const call of file.nodes('call_expression')) {
      const { operand, name, args } = callParts(call);
      if (!operand || PUBLISH_METHODS.get(name ?? '') !== args.length || !connections.has(lastName(operand) ?? '')) continue;
      const fn = outermostFunction(call);
      const ctx = contextInScope(file, call);
      if (!fn || !ctx || injects(fn)) continue;
      if (name === 'PublishMsg' && !builtHere(file, fn, args[0])) continue;
      findings.push(
        file.finding(publishWithoutInject, call, `This message is published without injecting the trace context into its headers, so its consumers start a new trace.`, injectFixes(file, call, ctx)),
      );
    }
    return findings;
  },
};

/** Names (variables, parameters, struct fields) this file declares as `*nats.Conn` or assigns from `nats.Connect(...)`. */
function natsConnectionNames(file: GoFile): Set<string> {
  const names = new Set<string>();
  for (const type of ['parameter_declaration', 'field_declaration', 'var_spec']) {
    for (const declaration of file.nodes(type)) {
      if (!isQualifiedType(file, declaration.childForFieldName('type'), NATS, 'Conn', true)) continue;
      for (const n of declaration.childrenForFieldName('name')) if (n) names.add(n.text);
    }
  }
  for (const declaration of [...file.nodes('short_var_declaration'), ...file.nodes('assignment_statement')]) {
    const right = named(declaration.childForFieldName('right'));
    if (right.length === 1 && isPackageCall(file, right[0], NATS, ['Connect'])) {
      const first = named(declaration.childForFieldName('left'))[0];
      if (first) names.add(lastName(first) ?? '');
    }
  }
  names.delete('');
  names.delete('_');
  return names;
}

function lastName(node: Node): string | undefined {
  if (node.type === 'identifier') return node.text;
  if (node.type === 'selector_expression') return node.childForFieldName('field')?.text;
  return undefined;
}

/** The top-level function or method: an Inject anywhere in it (closures included) covers the publish. */
function outermostFunction(node: Node): Node | undefined {
  let found: Node | undefined;
  for (let current = node.parent; current; current = current.parent) if (FUNCTION_TYPES.has(current.type)) found = current;
  return found;
}

function injects(fn: Node): boolean {
  return collect(fn, (n) => n.type === 'call_expression' && callParts(n).name === 'Inject', true).length > 0;
}

/**
 * `PublishMsg(msg)` where msg is made right here (`nats.NewMsg` or a `nats.Msg` literal) and handed to nothing
 * else: a message from elsewhere, or one passed to a helper, may have had its headers set there.
 */
function builtHere(file: GoFile, fn: Node, message: Node): boolean {
  if (message.type !== 'identifier') return false;
  let made = false;
  for (const declaration of collect(fn, (n) => n.type === 'short_var_declaration' || n.type === 'var_spec', true)) {
    const left = declaration.type === 'var_spec' ? declaration.childrenForFieldName('name').filter((n): n is Node => n !== null) : named(declaration.childForFieldName('left'));
    const right = named(declaration.childForFieldName(declaration.type === 'var_spec' ? 'value' : 'right'));
    const index = left.findIndex((n) => n.text === message.text);
    if (index < 0) continue;
    const value = right[index];
    made = value !== undefined && (isPackageCall(file, value, NATS, ['NewMsg']) || /^&?\s*\w+\.Msg\s*\{/.test(value.text));
  }
  if (!made) return false;
  const handedOn = collect(fn, (n) => n.type === 'argument_list', true).some((list) =>
    named(list).some((arg) => arg.text === message.text || arg.text === `${message.text}.Header` || arg.text === `&${message.text}`),
  );
  return !handedOn || onlyPublishes(fn, message.text);
}

/** Every call that receives the message is a publish. */
function onlyPublishes(fn: Node, message: string): boolean {
  return collect(fn, (n) => n.type === 'call_expression', true).every((call) => {
    const { name, args } = callParts(call);
    const receives = args.some((arg) => arg.text === message || arg.text === `${message}.Header` || arg.text === `&${message}`);
    return !receives || PUBLISH_METHODS.has(name ?? '');
  });
}

/**
 * Publish(subject, data) → a nats.Msg with the context injected, sent with PublishMsg; PublishMsg(msg) → the
 * context injected into msg's headers (made first if the literal left them nil) just before it is sent.
 */
function injectFixes(file: GoFile, call: Node, ctx: string): Fix[] {
  const statement = statementOf(call);
  if (!statement) return [];
  const { operand, name, args } = callParts(call);
  const { names, edits } = ensureImports(file, [{ path: OTEL }, { path: PROPAGATION }, { path: NATS }]);
  const [otel, propagation, nats] = names;
  const indent = indentationAt(file.text, statement.startIndex);
  const lines: string[] = [];
  let message: string;
  if (name === 'Publish') {
    message = freshName(outermostFunction(call) ?? statement, 'msg');
    lines.push(`${message} := ${nats}.NewMsg(${args[0].text})`, `${message}.Data = ${args[1].text}`);
    edits.push({ start: call.startIndex, end: call.endIndex, newText: `${operand!.text}.PublishMsg(${message})` });
  } else {
    message = args[0].text;
    const scope = outermostFunction(call)?.text ?? '';
    if (!new RegExp(`\\b${message}\\s*:?=\\s*${nats}\\.NewMsg\\(`).test(scope)) lines.push(`if ${message}.Header == nil {`, `\t${message}.Header = ${nats}.Header{}`, `}`);
  }
  lines.push(`${otel}.GetTextMapPropagator().Inject(${ctx}, ${propagation}.HeaderCarrier(${message}.Header))`);
  edits.push({ start: statement.startIndex, end: statement.startIndex, newText: lines.map((l) => `${l}\n${indent}`).join('') });
  return [{ title: 'Inject the trace context into the message headers', preferred: true, edits }];
}

function statementOf(node: Node): Node | undefined {
  for (let current: Node | null = node; current; current = current.parent) {
    if (statementContainer(current)) return current;
    if (FUNCTION_TYPES.has(current.type)) return undefined;
  }
  return undefined;
}
