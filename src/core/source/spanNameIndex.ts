import * as path from 'path';
import { Query, type Node } from 'web-tree-sitter';
import { scanGoStringConstants } from './goConstants';
import { grammarForFile, languageOfGrammar, type SourceLanguage } from './sourceLanguage';
import { unescapeString } from './stringLiterals';
import type { GrammarId, TreeSitter } from './treeSitter';

/** A call that starts a span with a known name. */
export interface SpanNameCandidate {
  /** Absolute path as given to the index. */
  file: string;
  /** 1-based: the line of the span-starting call. */
  line: number;
  /** 1-based. */
  column: number;
  language: SourceLanguage;
}

interface CallSite {
  /** The literal span name, or... */
  name?: string;
  /** ...the Go identifier passed instead, resolved against the package's string constants. */
  identifier?: string;
  line: number;
  column: number;
}

interface FileEntry {
  file: string;
  dir: string;
  language: SourceLanguage;
  calls: CallSite[];
  /** Go only: `const x = "..."` / `var x = "..."` in this file. */
  constants: Map<string, string>;
}

/**
 * Which calls start spans, per grammar, and where their name argument sits. `nameArgument` is the index of
 * the argument holding the name; 'first-string' takes the first string literal among the first two.
 */
interface CallPattern {
  methods: string[];
  nameArgument: number | 'first-string';
}

const CALL_PATTERNS: Record<GrammarId, CallPattern[]> = {
  go: [
    { methods: ['Start'], nameArgument: 1 },
    // OpenCensus / OpenTracing / Datadog style, still common while migrating.
    { methods: ['StartSpan', 'StartSpanFromContext'], nameArgument: 'first-string' },
  ],
  javascript: [{ methods: ['startActiveSpan', 'startSpan'], nameArgument: 0 }],
  typescript: [{ methods: ['startActiveSpan', 'startSpan'], nameArgument: 0 }],
  tsx: [{ methods: ['startActiveSpan', 'startSpan'], nameArgument: 0 }],
  python: [{ methods: ['start_as_current_span', 'start_span'], nameArgument: 0 }],
  java: [{ methods: ['spanBuilder'], nameArgument: 0 }],
};

/** Calls of a method on any receiver expression: @method names it, @args are its arguments. */
const CALL_QUERIES: Record<GrammarId, string> = {
  go: '(call_expression function: (selector_expression field: (field_identifier) @method) arguments: (argument_list) @args) @call',
  javascript: '(call_expression function: (member_expression property: (property_identifier) @method) arguments: (arguments) @args) @call',
  typescript: '(call_expression function: (member_expression property: (property_identifier) @method) arguments: (arguments) @args) @call',
  tsx: '(call_expression function: (member_expression property: (property_identifier) @method) arguments: (arguments) @args) @call',
  python: '(call function: (attribute attribute: (identifier) @method) arguments: (argument_list) @args) @call',
  java: '(method_invocation name: (identifier) @method arguments: (argument_list) @args) @call',
};

const GO_CONSTANTS_QUERY = `
(const_spec name: (identifier) @name value: (expression_list . [(interpreted_string_literal) (raw_string_literal)] @value .))
(var_spec name: (identifier) @name value: (expression_list . [(interpreted_string_literal) (raw_string_literal)] @value .))`;

/** Cheap text test so most files are never parsed. */
const CALL_PREFILTER: Record<GrammarId, RegExp> = {
  go: /\.Start(?:Span\w*)?\(/,
  javascript: /\b(?:startActiveSpan|startSpan)\b/,
  typescript: /\b(?:startActiveSpan|startSpan)\b/,
  tsx: /\b(?:startActiveSpan|startSpan)\b/,
  python: /\b(?:start_as_current_span|start_span)\b/,
  java: /\bspanBuilder\b/,
};
/** A Go file may hold the constant another file of its package passes as a span name. */
const GO_PACKAGE_DECLARATION = /^(?:const|var)\b/m;

/** Span name -> the calls that start spans so named, over every indexed file. */
export class SpanNameIndex {
  private readonly entries = new Map<string, FileEntry>();
  private readonly queries = new Map<string, Query>();
  private byName: Map<string, SpanNameCandidate[]> | undefined;

  constructor(private readonly treeSitter: TreeSitter) {}

  static indexes(file: string): boolean {
    return grammarForFile(file) !== undefined;
  }

  /** Whether `text` could contain anything this index keeps (no parse needed when not). */
  static mightContainSpanStarts(file: string, text: string): boolean {
    const grammar = grammarForFile(file);
    if (grammar === undefined) return false;
    return CALL_PREFILTER[grammar].test(text) || (grammar === 'go' && GO_PACKAGE_DECLARATION.test(text));
  }

  /** Frees the compiled queries. */
  dispose(): void {
    for (const query of this.queries.values()) query.delete();
    this.queries.clear();
    this.entries.clear();
    this.byName = undefined;
  }

  get fileCount(): number {
    return this.entries.size;
  }

  /** (Re)indexes one file from its text. Returns whether the index changed. */
  async updateFile(file: string, text: string): Promise<boolean> {
    const grammar = grammarForFile(file);
    if (!grammar) return this.removeFile(file);
    let entry: FileEntry | undefined;
    if (CALL_PREFILTER[grammar].test(text)) {
      await this.treeSitter.load(grammar);
      entry = this.extract(file, grammar, text);
    } else if (grammar === 'go' && GO_PACKAGE_DECLARATION.test(text)) {
      // Parsing is the expensive part of indexing: files that only declare constants are scanned instead.
      const constants = scanGoStringConstants(text);
      if (constants.size > 0) entry = { file, dir: path.dirname(file), language: 'go', calls: [], constants };
    }
    if (!entry) return this.removeFile(file);
    const previous = this.entries.get(file);
    this.entries.set(file, entry);
    const changed = !previous || !sameEntry(previous, entry);
    if (changed) this.byName = undefined;
    return changed;
  }

  removeFile(file: string): boolean {
    if (!this.entries.delete(file)) return false;
    this.byName = undefined;
    return true;
  }

  /** Candidates sorted by file, line, column. */
  lookup(spanName: string): readonly SpanNameCandidate[] {
    this.byName ??= this.build();
    return this.byName.get(spanName) ?? [];
  }

  private extract(file: string, grammar: GrammarId, text: string): FileEntry | undefined {
    const tree = this.treeSitter.parse(grammar, text);
    if (!tree) return undefined;
    try {
      const root = tree.rootNode;
      const calls = this.findCalls(grammar, root);
      const constants = grammar === 'go' ? this.findGoConstants(root) : new Map<string, string>();
      if (calls.length === 0 && constants.size === 0) return undefined;
      return { file, dir: path.dirname(file), language: languageOfGrammar(grammar), calls, constants };
    } finally {
      tree.delete();
    }
  }

  private findCalls(grammar: GrammarId, root: Node): CallSite[] {
    const calls: CallSite[] = [];
    for (const match of this.query(grammar, CALL_QUERIES[grammar]).matches(root)) {
      const method = match.captures.find((c) => c.name === 'method')?.node;
      const args = match.captures.find((c) => c.name === 'args')?.node;
      const call = match.captures.find((c) => c.name === 'call')?.node;
      if (!method || !args || !call) continue;
      const pattern = CALL_PATTERNS[grammar].find((p) => p.methods.includes(method.text));
      if (!pattern) continue;
      const site = nameArgument(grammar, pattern, args);
      if (!site) continue;
      // The method name's line, so a chain split over lines still points at `.Start(`; the call's own column
      // when it starts on that line.
      const line = method.startPosition.row;
      const column = call.startPosition.row === line ? call.startPosition.column : method.startPosition.column;
      calls.push({ ...site, line: line + 1, column: column + 1 });
    }
    return calls;
  }

  private findGoConstants(root: Node): Map<string, string> {
    const constants = new Map<string, string>();
    for (const match of this.query('go', GO_CONSTANTS_QUERY).matches(root)) {
      const name = match.captures.find((c) => c.name === 'name')?.node.text;
      const valueNode = match.captures.find((c) => c.name === 'value')?.node;
      const value = valueNode ? stringLiteralValue('go', valueNode) : undefined;
      if (name !== undefined && value !== undefined && !constants.has(name)) constants.set(name, value);
    }
    return constants;
  }

  private query(grammar: GrammarId, source: string): Query {
    const key = `${grammar}\0${source}`;
    let query = this.queries.get(key);
    if (!query) {
      const language = this.treeSitter.language(grammar);
      if (!language) throw new Error(`tree-sitter grammar ${grammar} is not loaded`);
      query = new Query(language, source);
      this.queries.set(key, query);
    }
    return query;
  }

  private build(): Map<string, SpanNameCandidate[]> {
    const goConstantsByDir = new Map<string, Map<string, string>>();
    for (const entry of this.entries.values()) {
      if (entry.language !== 'go' || entry.constants.size === 0) continue;
      let merged = goConstantsByDir.get(entry.dir);
      if (!merged) goConstantsByDir.set(entry.dir, (merged = new Map()));
      for (const [name, value] of entry.constants) if (!merged.has(name)) merged.set(name, value);
    }
    const byName = new Map<string, SpanNameCandidate[]>();
    for (const [file, entry] of this.entries) {
      for (const call of entry.calls) {
        const name =
          call.name ??
          (call.identifier !== undefined
            ? (entry.constants.get(call.identifier) ?? goConstantsByDir.get(entry.dir)?.get(call.identifier))
            : undefined);
        if (name === undefined) continue;
        const candidate: SpanNameCandidate = { file, line: call.line, column: call.column, language: entry.language };
        const list = byName.get(name);
        if (list) list.push(candidate);
        else byName.set(name, [candidate]);
      }
    }
    for (const list of byName.values()) list.sort(byPosition);
    return byName;
  }
}

function nameArgument(grammar: GrammarId, pattern: CallPattern, args: Node): Omit<CallSite, 'line' | 'column'> | undefined {
  const values = args.namedChildren.filter((n): n is Node => n !== null && n.type !== 'comment');
  if (pattern.nameArgument === 'first-string') {
    for (const arg of values.slice(0, 2)) {
      const name = stringLiteralValue(grammar, arg);
      if (name !== undefined) return { name };
    }
    return undefined;
  }
  let arg: Node | undefined = values[pattern.nameArgument];
  // Python also allows start_as_current_span(name="x").
  if (grammar === 'python') {
    const keyword = values.find((v) => v.type === 'keyword_argument' && v.childForFieldName('name')?.text === 'name');
    if (keyword) arg = keyword.childForFieldName('value') ?? undefined;
    else if (arg?.type === 'keyword_argument') return undefined;
  }
  if (!arg) return undefined;
  const name = stringLiteralValue(grammar, arg);
  if (name !== undefined) return { name };
  if (grammar === 'go' && arg.type === 'identifier') return { identifier: arg.text };
  return undefined;
}

/** The value of a string literal without interpolation, or undefined for anything else. */
export function stringLiteralValue(grammar: GrammarId, node: Node): string | undefined {
  const text = node.text;
  switch (node.type) {
    case 'interpreted_string_literal': // Go "..."
    case 'string_literal': // Java "..."
      if (text.startsWith('"""')) return undefined; // Java text block: indentation rules, not worth it
      return unescapeString(text.slice(1, -1));
    case 'raw_string_literal': // Go `...`
      return text.slice(1, -1);
    case 'template_string': // JS/TS `...`
      if (node.namedChildren.some((c) => c?.type === 'template_substitution')) return undefined;
      return unescapeString(text.slice(1, -1));
    case 'string': {
      if (grammar !== 'python') return unescapeString(text.slice(1, -1)); // JS/TS '...' or "..."
      return pythonString(text);
    }
    default:
      return undefined;
  }
}

function pythonString(text: string): string | undefined {
  const m = /^([rRbBuUfF]*)('''|"""|'|")([\s\S]*)\2$/.exec(text);
  if (!m) return undefined;
  const prefix = m[1].toLowerCase();
  if (prefix.includes('f') || prefix.includes('b')) return undefined;
  return prefix.includes('r') ? m[3] : unescapeString(m[3]);
}

function byPosition(a: SpanNameCandidate, b: SpanNameCandidate): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return a.line - b.line || a.column - b.column;
}

function sameEntry(a: FileEntry, b: FileEntry): boolean {
  if (a.calls.length !== b.calls.length || a.constants.size !== b.constants.size) return false;
  for (let i = 0; i < a.calls.length; i++) {
    const x = a.calls[i];
    const y = b.calls[i];
    if (x.name !== y.name || x.identifier !== y.identifier || x.line !== y.line || x.column !== y.column) return false;
  }
  for (const [k, v] of a.constants) if (b.constants.get(k) !== v) return false;
  return true;
}
