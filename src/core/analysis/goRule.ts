import type { Node } from 'web-tree-sitter';
import { alignTrailingComments } from './goEdits';
import type { Fix, GoModuleInfo, StaticFinding } from './types';

/**
 * Facts about the whole module that a single file cannot show (e.g. whether any file sets a propagator).
 * `wholeModule` is false when they were computed from the analysed file alone: rules that need the module
 * then stay quiet rather than guess.
 */
export interface GoPackageContext {
  moduleCallsSetTextMapPropagator: boolean;
  moduleCallsSetTracerProvider: boolean;
  /** Some file assigns `http.DefaultClient`, its Transport or `http.DefaultTransport`: the default client may be instrumented. */
  moduleInstrumentsDefaultClient: boolean;
  wholeModule: boolean;
}

export interface GoRule {
  /** Stable rule id, e.g. 'go/goroutine-background-context'. */
  id: string;
  /** Stable diagnostic code, e.g. 'SL201'. */
  code: string;
  /** A short title for listings. */
  title: string;
  check(file: GoFile): StaticFinding[];
}

export interface ImportSpecInfo {
  path: string;
  /** The name the file uses the package by: the alias, else the path's package name; '_' and '.' as written. */
  name: string;
  node: Node;
}

export interface LineColumn {
  /** 1-based. */
  line: number;
  /** 1-based, UTF-16 code units. */
  column: number;
}

/** One parsed Go file as the rules see it. web-tree-sitter indices are UTF-16 offsets, as TextEdit wants. */
export interface GoFile {
  path: string;
  text: string;
  /** The root node of the parsed tree (valid only during `check`). */
  tree: Node;
  module: GoModuleInfo;
  package: GoPackageContext;
  /** Import path → the local name it is used by (aliases included; blank and dot imports left out). */
  imports: Map<string, string>;
  importSpecs: ImportSpecInfo[];
  /** Named nodes of one type, in source order, from one walk shared by every rule. */
  nodes(type: string): readonly Node[];
  lineColumn(offset: number): LineColumn;
  /** True when go.mod's `go` directive is at least major.minor; an unknown version counts as new. */
  goVersionAtLeast(major: number, minor: number): boolean;
  finding(rule: GoRule, target: Node | { start: number; end: number }, message: string, fixes: Fix[]): StaticFinding;
}

const IMPORT_NAME_OVERRIDES: Record<string, string> = {
  'github.com/nats-io/nats.go': 'nats',
  'github.com/segmentio/kafka-go': 'kafka',
  'gopkg.in/yaml.v3': 'yaml',
};

/** The package name an import path is used by when it has no alias (Go's convention for common layouts). */
export function defaultImportName(importPath: string): string {
  const override = IMPORT_NAME_OVERRIDES[importPath];
  if (override) return override;
  const parts = importPath.split('/');
  let last = parts[parts.length - 1];
  if (/^v\d+$/.test(last) && parts.length > 1) last = parts[parts.length - 2];
  return last.replace(/\.go$/, '').replace(/^go-/, '').replace(/[.-]/g, '_');
}

export function createGoFile(path: string, text: string, root: Node, module: GoModuleInfo, packageContext: GoPackageContext): GoFile {
  const byType = indexNodes(root);
  const importSpecs = readImports(byType.get('import_spec') ?? []);
  const imports = new Map<string, string>();
  for (const spec of importSpecs) if (spec.name !== '_' && spec.name !== '.') imports.set(spec.path, spec.name);
  const lineStarts = computeLineStarts(text);
  const lineColumn = (offset: number): LineColumn => {
    let low = 0;
    let high = lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (lineStarts[mid] <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: offset - lineStarts[low] + 1 };
  };
  const version = parseGoVersion(module.goVersion);
  return {
    path,
    text,
    tree: root,
    module,
    package: packageContext,
    imports,
    importSpecs,
    nodes: (type) => byType.get(type) ?? [],
    lineColumn,
    goVersionAtLeast: (major, minor) => !version || version[0] > major || (version[0] === major && version[1] >= minor),
    finding(rule, target, message, fixes) {
      const start = 'startIndex' in target ? target.startIndex : target.start;
      const end = 'endIndex' in target ? target.endIndex : target.end;
      const { line, column } = lineColumn(start);
      // Every fix keeps gofmt's alignment of trailing comments around the lines it edits.
      const aligned = fixes.map((fix) => ({ ...fix, edits: alignTrailingComments(text, fix.edits) }));
      return { rule: rule.id, code: rule.code, file: path, start, end, line, column, message, fixes: aligned };
    },
  };
}

function parseGoVersion(version: string | undefined): [number, number] | undefined {
  const match = version ? /^(\d+)\.(\d+)/.exec(version) : null;
  return match ? [Number(match[1]), Number(match[2])] : undefined;
}

/** One depth-first pass over named nodes, bucketed by type (source order). */
function indexNodes(root: Node): Map<string, Node[]> {
  const byType = new Map<string, Node[]>();
  const cursor = root.walk();
  try {
    for (;;) {
      if (cursor.nodeIsNamed) {
        const node = cursor.currentNode;
        let list = byType.get(node.type);
        if (!list) byType.set(node.type, (list = []));
        list.push(node);
      }
      if (cursor.gotoFirstChild()) continue;
      while (!cursor.gotoNextSibling()) {
        if (!cursor.gotoParent()) return byType;
      }
    }
  } finally {
    cursor.delete();
  }
}

function readImports(specs: readonly Node[]): ImportSpecInfo[] {
  const result: ImportSpecInfo[] = [];
  for (const node of specs) {
    const raw = node.childForFieldName('path')?.text;
    if (!raw) continue;
    const importPath = raw.slice(1, -1);
    const alias = node.childForFieldName('name')?.text;
    result.push({ path: importPath, name: alias ?? defaultImportName(importPath), node });
  }
  return result;
}

function computeLineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}
