import type { Node } from 'web-tree-sitter';
import { addKeyedElementFirst } from '../goEdits';
import { ensureImports } from '../goImports';
import type { GoFile, GoRule } from '../goRule';
import { IMPORT_HTTP, IMPORT_OTELHTTP, isPackageCall, isPackageSelector } from '../goScope';
import type { Fix, StaticFinding } from '../types';

const PACKAGE_SENDERS = ['Get', 'Post', 'Head', 'PostForm'];
const CLIENT_METHODS = new Set(['Do', 'Get', 'Post', 'Head', 'PostForm']);

/**
 * SL204: requests sent by a client without an otelhttp transport (`http.Get` and friends, `http.DefaultClient.X`,
 * `&http.Client{}` with no Transport): no client span, no traceparent header, the callee starts a new trace.
 */
export const httpUninstrumentedClient: GoRule = {
  id: 'go/http-uninstrumented-client',
  code: 'SL204',
  title: 'HTTP client without an otelhttp transport',
  check(file: GoFile): StaticFinding[] {
    const findings: StaticFinding[] = [];
    const httpName = file.imports.get(IMPORT_HTTP);
    if (!httpName) return findings;
    const defaultClientMayBeInstrumented = file.package.moduleInstrumentsDefaultClient;
    for (const node of uninstrumentedClientNodes(file)) {
      if (node.kind !== 'literal' && defaultClientMayBeInstrumented) continue;
      const message =
        node.kind === 'package-call'
          ? `${node.node.text} sends through http.DefaultClient, which has no otelhttp transport: no client span and no traceparent header.`
          : node.kind === 'default-client'
            ? 'http.DefaultClient has no otelhttp transport: no client span and no traceparent header.'
            : 'This http.Client has no otelhttp transport: its requests get no client span and no traceparent header.';
      findings.push(file.finding(this, node.node, message, [uninstrumentedClientFix(file, node)]));
    }
    return findings;
  },
};

export interface UninstrumentedClientNode {
  kind: 'package-call' | 'default-client' | 'literal';
  /** `http.Get` (the callee), `http.DefaultClient`, or the `http.Client{...}` literal. */
  node: Node;
}

export function uninstrumentedClientNodes(file: GoFile): UninstrumentedClientNode[] {
  const found: UninstrumentedClientNode[] = [];
  for (const call of file.nodes('call_expression')) {
    if (isPackageCall(file, call, IMPORT_HTTP, PACKAGE_SENDERS)) found.push({ kind: 'package-call', node: call.childForFieldName('function')! });
  }
  for (const selector of file.nodes('selector_expression')) {
    if (!isPackageSelector(file, selector, IMPORT_HTTP, ['DefaultClient'])) continue;
    // Only a send through it: `http.DefaultClient.Do(req)`, not `http.DefaultClient.Transport = ...`.
    const parent = selector.parent;
    const isMethodCall =
      parent?.type === 'selector_expression' &&
      CLIENT_METHODS.has(parent.childForFieldName('field')?.text ?? '') &&
      parent.parent?.type === 'call_expression' &&
      parent.parent.childForFieldName('function')?.id === parent.id;
    if (isMethodCall) found.push({ kind: 'default-client', node: selector });
  }
  const httpName = file.imports.get(IMPORT_HTTP);
  for (const literal of file.nodes('composite_literal')) {
    const type = literal.childForFieldName('type');
    if (type?.type !== 'qualified_type' || type.childForFieldName('package')?.text !== httpName || type.childForFieldName('name')?.text !== 'Client') continue;
    const body = literal.childForFieldName('body');
    const setsTransport = (body?.namedChildren ?? []).some((e) => e?.type === 'keyed_element' && e.childForFieldName('key')?.text === 'Transport');
    // Positional fields (`http.Client{t, ...}`) are too unusual to judge.
    const positional = (body?.namedChildren ?? []).some((e) => e !== null && e.type !== 'keyed_element' && e.type !== 'comment');
    if (!setsTransport && !positional) found.push({ kind: 'literal', node: literal });
  }
  return found.sort((a, b) => a.node.startIndex - b.node.startIndex);
}

/** The instrumented client: a Transport field on literals, an inline instrumented client instead of the default one. */
export function uninstrumentedClientFix(file: GoFile, target: UninstrumentedClientNode): Fix {
  const { names, edits: importEdits } = ensureImports(file, [{ path: IMPORT_HTTP }, { path: IMPORT_OTELHTTP }]);
  const [httpName, otelhttpName] = names;
  const transport = `${otelhttpName}.NewTransport(${httpName}.DefaultTransport)`;
  if (target.kind === 'literal') {
    const body = target.node.childForFieldName('body')!;
    return {
      title: 'Add Transport: otelhttp.NewTransport(http.DefaultTransport)',
      preferred: true,
      edits: [...importEdits, ...addKeyedElementFirst(file.text, body, 'Transport', transport)],
    };
  }
  const client = `(&${httpName}.Client{Transport: ${transport}})`;
  if (target.kind === 'default-client') {
    return {
      title: 'Send through a client with an otelhttp transport',
      preferred: true,
      edits: [...importEdits, { start: target.node.startIndex, end: target.node.endIndex, newText: client }],
    };
  }
  // `http.Get` → `(&http.Client{...}).Get`: the method of the same name on an instrumented client.
  const field = target.node.childForFieldName('field')!;
  return {
    title: `Send through a client with an otelhttp transport: (&http.Client{Transport: otelhttp.NewTransport(http.DefaultTransport)}).${field.text}`,
    preferred: true,
    edits: [...importEdits, { start: target.node.startIndex, end: target.node.endIndex, newText: `${client}.${field.text}` }],
  };
}
