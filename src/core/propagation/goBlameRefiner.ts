import * as fs from 'fs';
import * as path from 'path';
import type { Node } from 'web-tree-sitter';
import type { SourceLocation } from '../model/span';
import type { TreeSitter } from '../source/treeSitter';
import type { BlameRefiner, FindingKind } from './findingTypes';

/** What the refiner needs from the workspace index (a `WorkspaceIndex` has both). */
export interface GoSourceFiles {
  readonly treeSitter: TreeSitter;
  /** Absolute paths of the workspace's files. */
  readonly files: Iterable<string>;
}

/** The context a `go` statement hands to the function it starts. */
type ContextArgument = 'background' | 'ctx';

interface GoStatement {
  line: number;
  column: number;
  /** Calls the statement starts: the call itself, or the calls inside a `go func() { ... }()` body. */
  calls: Array<{ callee: string; method: boolean; contexts: ContextArgument[] }>;
}

interface GoFileFacts {
  text: string;
  /** Top-level funcs and methods with their 0-based row span. */
  functions: Array<{ name: string; method: boolean; startRow: number; endRow: number }>;
  goStatements: GoStatement[];
  /** Calls that send an HTTP request without an instrumented transport. */
  bareHttpCalls: Array<{ line: number; column: number }>;
}

const HTTP_METHODS = new Set(['Get', 'Post', 'Head', 'PostForm']);
const CLIENT_METHODS = new Set(['Do', 'Get', 'Post', 'Head', 'PostForm']);
/** An identifier that holds a request's context. */
const CONTEXT_IDENTIFIER = /(?:^|[a-z_])ctx$|Ctx$/i;

/**
 * Narrows a finding from the span's line to the Go statement at fault, within the span's package (its directory):
 * the one uninstrumented HTTP call, or the one `go` statement that starts the span's function on
 * `context.Background()` (detached) or on a request ctx (canceled). None or several: the span's line stays.
 */
export class GoBlameRefiner implements BlameRefiner {
  private readonly facts = new Map<string, GoFileFacts>();

  constructor(
    private readonly source: GoSourceFiles,
    private readonly readText: (file: string) => string | undefined = readFileOrUndefined,
  ) {}

  refine(kind: FindingKind, spanLocation: SourceLocation, _context: { service: string }): SourceLocation | undefined {
    if (!spanLocation.file.endsWith('.go') || !this.source.treeSitter.language('go')) return undefined;
    switch (kind) {
      case 'uninstrumented-client':
        return this.single(spanLocation, this.packageFacts(spanLocation.file).flatMap(([file, f]) => f.bareHttpCalls.map((c) => ({ file, ...c }))));
      case 'detached-async':
        return this.goStatementStarting(spanLocation, 'background');
      case 'canceled-context':
        return this.goStatementStarting(spanLocation, 'ctx');
      default:
        return undefined;
    }
  }

  private goStatementStarting(spanLocation: SourceLocation, wanted: ContextArgument): SourceLocation | undefined {
    const own = this.fileFacts(spanLocation.file);
    const row = spanLocation.line - 1;
    const enclosing = own?.functions.find((f) => f.startRow <= row && row <= f.endRow);
    if (!enclosing) return undefined;
    const sites: Array<{ file: string; line: number; column: number }> = [];
    for (const [file, facts] of this.packageFacts(spanLocation.file)) {
      for (const statement of facts.goStatements) {
        const starts = statement.calls.some(
          (call) => call.callee === enclosing.name && call.method === enclosing.method && call.contexts.includes(wanted),
        );
        if (starts) sites.push({ file, line: statement.line, column: statement.column });
      }
    }
    return this.single(spanLocation, sites);
  }

  private single(spanLocation: SourceLocation, sites: Array<{ file: string; line: number; column: number }>): SourceLocation | undefined {
    if (sites.length !== 1) return undefined;
    const [site] = sites;
    return { file: site.file, line: site.line, column: site.column, via: spanLocation.via };
  }

  /** The non-test Go files in the file's directory, with what each says. */
  private packageFacts(file: string): Array<[string, GoFileFacts]> {
    const dir = path.dirname(file);
    const files = new Set<string>([file]);
    for (const candidate of this.source.files) {
      if (candidate.endsWith('.go') && !candidate.endsWith('_test.go') && path.dirname(candidate) === dir) files.add(candidate);
    }
    const result: Array<[string, GoFileFacts]> = [];
    for (const f of [...files].sort()) {
      const facts = this.fileFacts(f);
      if (facts) result.push([f, facts]);
    }
    return result;
  }

  private fileFacts(file: string): GoFileFacts | undefined {
    const text = this.readText(file);
    if (text === undefined) {
      this.facts.delete(file);
      return undefined;
    }
    const cached = this.facts.get(file);
    if (cached?.text === text) return cached;
    const tree = this.source.treeSitter.parse('go', text);
    if (!tree) return undefined;
    try {
      const facts = goFileFacts(tree.rootNode, text);
      this.facts.set(file, facts);
      return facts;
    } finally {
      tree.delete();
    }
  }
}

function goFileFacts(root: Node, text: string): GoFileFacts {
  const imports = importNames(root);
  const httpName = imports.get('net/http');
  const contextName = imports.get('context');
  const facts: GoFileFacts = { text, functions: [], goStatements: [], bareHttpCalls: [] };
  for (const node of namedChildren(root)) {
    if (node.type !== 'function_declaration' && node.type !== 'method_declaration') continue;
    const name = node.childForFieldName('name')?.text;
    if (name) facts.functions.push({ name, method: node.type === 'method_declaration', startRow: node.startPosition.row, endRow: node.endPosition.row });
  }
  walk(root, (node) => {
    if (node.type === 'go_statement') {
      const call = namedChildren(node).find((c) => c.type === 'call_expression');
      if (call) facts.goStatements.push({ line: node.startPosition.row + 1, column: node.startPosition.column + 1, calls: startedCalls(call, contextName) });
    } else if (node.type === 'call_expression' && httpName !== undefined && isBareHttpCall(node, httpName)) {
      facts.bareHttpCalls.push({ line: node.startPosition.row + 1, column: node.startPosition.column + 1 });
    }
  });
  return facts;
}

/** Import path -> the name it is used by in this file (`http`, or its alias). */
function importNames(root: Node): Map<string, string> {
  const names = new Map<string, string>();
  walk(root, (node) => {
    if (node.type !== 'import_spec') return;
    const importPath = node.childForFieldName('path')?.text.replace(/^["`]|["`]$/g, '');
    if (!importPath) return;
    const alias = node.childForFieldName('name')?.text;
    if (alias === '_' || alias === '.') return;
    names.set(importPath, alias ?? importPath.slice(importPath.lastIndexOf('/') + 1));
  }, (node) => node.type === 'function_declaration' || node.type === 'method_declaration');
  return names;
}

/** `go f(x)`, `go s.f(x)`: that call; `go func() { ... }()`: the calls in the literal's body. */
function startedCalls(call: Node, contextName: string | undefined): GoStatement['calls'] {
  const fn = call.childForFieldName('function');
  if (fn?.type === 'func_literal') {
    const inner: GoStatement['calls'] = [];
    walk(fn, (node) => {
      if (node.type === 'call_expression') {
        const described = describeCall(node, contextName);
        if (described) inner.push(described);
      }
    });
    return inner;
  }
  const described = describeCall(call, contextName);
  return described ? [described] : [];
}

function describeCall(call: Node, contextName: string | undefined): GoStatement['calls'][number] | undefined {
  const fn = call.childForFieldName('function');
  let callee: string | undefined;
  let method = false;
  if (fn?.type === 'identifier') callee = fn.text;
  else if (fn?.type === 'selector_expression') {
    callee = fn.childForFieldName('field')?.text;
    method = true;
  }
  if (!callee) return undefined;
  const contexts: ContextArgument[] = [];
  for (const arg of namedChildren(call.childForFieldName('arguments'))) {
    const kind = contextArgument(arg, contextName);
    if (kind) contexts.push(kind);
  }
  return { callee, method, contexts };
}

function contextArgument(arg: Node, contextName: string | undefined): ContextArgument | undefined {
  if (arg.type === 'identifier') return CONTEXT_IDENTIFIER.test(arg.text) ? 'ctx' : undefined;
  if (arg.type !== 'call_expression') return undefined;
  const fn = arg.childForFieldName('function');
  if (fn?.type !== 'selector_expression') return undefined;
  const operand = fn.childForFieldName('operand');
  const field = fn.childForFieldName('field')?.text;
  if (contextName !== undefined && operand?.type === 'identifier' && operand.text === contextName && (field === 'Background' || field === 'TODO')) {
    return 'background';
  }
  // r.Context(), c.Request.Context(): the request's own context.
  return field === 'Context' && namedChildren(arg.childForFieldName('arguments')).length === 0 ? 'ctx' : undefined;
}

/**
 * `http.Get(...)` and friends, `http.DefaultClient.Do(...)`, `(&http.Client{...}).Do(...)` with no Transport:
 * requests sent by a client nobody instrumented.
 */
function isBareHttpCall(call: Node, httpName: string): boolean {
  const fn = call.childForFieldName('function');
  if (fn?.type !== 'selector_expression') return false;
  const field = fn.childForFieldName('field')?.text ?? '';
  const operand = fn.childForFieldName('operand');
  if (!operand) return false;
  if (operand.type === 'identifier') return operand.text === httpName && HTTP_METHODS.has(field);
  if (!CLIENT_METHODS.has(field)) return false;
  if (operand.type === 'selector_expression') {
    const pkg = operand.childForFieldName('operand');
    return pkg?.type === 'identifier' && pkg.text === httpName && operand.childForFieldName('field')?.text === 'DefaultClient';
  }
  if (operand.type === 'parenthesized_expression') return isBareClientLiteral(namedChildren(operand)[0], httpName);
  return false;
}

/** `&http.Client{...}` or `http.Client{...}` that sets no Transport. */
function isBareClientLiteral(node: Node | undefined, httpName: string): boolean {
  let literal = node;
  if (literal?.type === 'unary_expression') literal = literal.childForFieldName('operand') ?? undefined;
  if (literal?.type !== 'composite_literal') return false;
  const type = literal.childForFieldName('type');
  if (type?.type !== 'qualified_type' || type.childForFieldName('package')?.text !== httpName || type.childForFieldName('name')?.text !== 'Client') {
    return false;
  }
  const body = literal.childForFieldName('body');
  return !namedChildren(body).some((element) => element.type === 'keyed_element' && /^Transport\b/.test(element.text));
}

function namedChildren(node: Node | null | undefined): Node[] {
  return node ? node.namedChildren.filter((c): c is Node => c !== null) : [];
}

/** Depth-first over named nodes; `skip` prunes a subtree. */
function walk(node: Node, visit: (node: Node) => void, skip?: (node: Node) => boolean): void {
  const stack: Node[] = [node];
  while (stack.length > 0) {
    const current = stack.pop()!;
    if (skip?.(current)) continue;
    visit(current);
    const children = namedChildren(current);
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
  }
}

function readFileOrUndefined(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
