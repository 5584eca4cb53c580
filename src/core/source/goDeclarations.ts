import * as path from 'path';
import type { Node } from 'web-tree-sitter';
import type { TreeSitter } from './treeSitter';

/** A Go function symbol as the runtime spells it, reduced to the declaration that holds it. */
export interface GoSymbol {
  /** `github.com/acme/shop/internal/order`, or `main`. */
  importPath: string;
  /** The receiver's type name for methods (pointer and type parameters dropped). */
  receiver?: string;
  /** The top-level func or method: closures (`.func1`, `.gowrap2`) are attributed to their enclosing declaration. */
  name: string;
}

export interface GoDeclaration {
  file: string;
  /** 1-based. */
  line: number;
  column: number;
}

const IDENTIFIER = /^[\p{L}_][\p{L}\p{N}_]*$/u;
/** Compiler-generated names below a declaration: closures, go/defer wrappers, numbered init funcs. */
const GENERATED = /^(?:func\d+|gowrap\d+|deferwrap\d+|\d+)$/;

/**
 * Parses `github.com/acme/shop/internal/order.(*Service).Create`, `...order.Service.Create`, `main.handle`,
 * `...cmd/order.main.func1`, generic `pkg.Map[...]`, method values `pkg.(*T).M-fm`.
 */
export function parseGoFunctionName(functionName: string): GoSymbol | undefined {
  const text = functionName.trim().replace(/-fm$/, '');
  const lastSlash = text.lastIndexOf('/');
  const tail = text.slice(lastSlash + 1);
  const dot = tail.indexOf('.');
  if (dot <= 0) return undefined;
  // The runtime escapes dots in the last import-path element (gopkg.in/yaml%2ev3) so the first dot ends it.
  const importPath = (text.slice(0, lastSlash + 1) + tail.slice(0, dot)).replace(/%2e/gi, '.');
  const symbol = tail.slice(dot + 1).replace(/\[[^\]]*\]/g, '');
  const pointerReceiver = /^\(\*?([^)]+)\)\.([^.]+)/.exec(symbol);
  if (pointerReceiver) {
    const [, receiver, name] = pointerReceiver;
    return IDENTIFIER.test(receiver) && IDENTIFIER.test(name) ? { importPath, receiver, name } : undefined;
  }
  const parts = symbol.split('.');
  if (!IDENTIFIER.test(parts[0])) return undefined;
  if (parts.length >= 2 && IDENTIFIER.test(parts[1]) && !GENERATED.test(parts[1])) {
    return { importPath, receiver: parts[0], name: parts[1] };
  }
  return { importPath, name: parts[0] };
}

/** One go.mod: the module path and the directory it roots. */
interface GoModule {
  modulePath: string;
  dir: string;
}

interface ParsedGoFile {
  packageName: string;
  declarations: Array<{ name: string; receiver?: string; line: number; column: number }>;
}

/**
 * `code.function.name` -> go.mod module path -> package directory -> the func or method declaration.
 * Go files are parsed on first need (declarations are looked up rarely, then cached by the mapper).
 */
export class GoDeclarations {
  private readonly modules = new Map<string, GoModule>();
  private readonly filesByDir = new Map<string, Set<string>>();
  private readonly parsed = new Map<string, ParsedGoFile>();

  /** `readText` returns a file's current text (an editor's unsaved text, or the disk's), undefined if gone. */
  constructor(
    private readonly treeSitter: TreeSitter,
    private readonly readText: (file: string) => string | undefined,
  ) {}

  setGoMod(goModFile: string, text: string): void {
    const modulePath = /^\s*module\s+"?([^\s"/][^\s"]*)"?\s*(?:\/\/.*)?$/m.exec(text)?.[1];
    if (modulePath) this.modules.set(goModFile, { modulePath, dir: path.dirname(goModFile) });
    else this.modules.delete(goModFile);
  }

  removeGoMod(goModFile: string): void {
    this.modules.delete(goModFile);
  }

  /** A .go file exists (or changed): forget its parse. */
  addFile(file: string): void {
    const dir = path.dirname(file);
    let files = this.filesByDir.get(dir);
    if (!files) this.filesByDir.set(dir, (files = new Set()));
    files.add(file);
    this.parsed.delete(file);
  }

  removeFile(file: string): void {
    const dir = path.dirname(file);
    const files = this.filesByDir.get(dir);
    files?.delete(file);
    if (files?.size === 0) this.filesByDir.delete(dir);
    this.parsed.delete(file);
  }

  get moduleCount(): number {
    return this.modules.size;
  }

  /**
   * The declaration of `functionName`, or undefined. Synchronous: needs the Go grammar loaded already.
   * `preferDirTokens` breaks ties between packages (several `package main` in cmd/*): dirs naming the service win.
   */
  find(functionName: string, preferDirTokens: readonly string[] = []): GoDeclaration | undefined {
    const symbol = parseGoFunctionName(functionName);
    if (!symbol || !this.treeSitter.language('go')) return undefined;
    const dirs = this.packageDirs(symbol.importPath);
    const matches: GoDeclaration[] = [];
    for (const dir of dirs) {
      const inDir: GoDeclaration[] = [];
      for (const file of [...(this.filesByDir.get(dir) ?? [])].sort(testFilesLast)) {
        const parsed = this.parse(file);
        if (!parsed || (symbol.importPath === 'main' && parsed.packageName !== 'main')) continue;
        const declaration = parsed.declarations.find((d) => d.name === symbol.name && d.receiver === symbol.receiver);
        if (declaration) inDir.push({ file, line: declaration.line, column: declaration.column });
      }
      // The import path named one package: its first declaration is the answer, no need to search further dirs.
      if (inDir.length > 0 && symbol.importPath !== 'main') return inDir[0];
      if (inDir.length > 0) matches.push(inDir[0]);
    }
    if (matches.length <= 1) return matches[0];
    const score = (d: GoDeclaration): number => {
      const dir = d.file.toLowerCase();
      return preferDirTokens.filter((t) => dir.includes(t.toLowerCase())).length;
    };
    return [...matches].sort((a, b) => score(b) - score(a) || (a.file < b.file ? -1 : a.file > b.file ? 1 : 0))[0];
  }

  /** Directories that can hold the package: via the longest matching go.mod, else by import-path suffix. */
  private packageDirs(importPath: string): string[] {
    if (importPath === 'main') return [...this.filesByDir.keys()].sort();
    const modules = [...this.modules.values()]
      .filter((m) => importPath === m.modulePath || importPath.startsWith(`${m.modulePath}/`))
      .sort((a, b) => b.modulePath.length - a.modulePath.length);
    const dirs = modules
      .map((m) => path.join(m.dir, ...importPath.slice(m.modulePath.length).split('/').filter(Boolean)))
      .filter((dir) => this.filesByDir.has(dir));
    if (dirs.length > 0 || this.modules.size > 0) return dirs;
    return this.dirsBySuffix(importPath);
  }

  /**
   * No go.mod in the workspace (GOPATH layouts, a workspace opened below the module root): longest dir suffix.
   * With go.mod files present, an import path none of them claims is a dependency's, not ours.
   */
  private dirsBySuffix(importPath: string): string[] {
    const wanted = importPath.split('/');
    let best: string[] = [];
    let bestLength = 0;
    for (const dir of this.filesByDir.keys()) {
      const segments = dir.split(/[\\/]/);
      let n = 0;
      while (n < wanted.length && n < segments.length && wanted[wanted.length - 1 - n] === segments[segments.length - 1 - n]) n++;
      if (n === 0 || n < bestLength) continue;
      if (n > bestLength) best = [];
      best.push(dir);
      bestLength = n;
    }
    return best.sort((a, b) => a.length - b.length || (a < b ? -1 : 1));
  }

  private parse(file: string): ParsedGoFile | undefined {
    const cached = this.parsed.get(file);
    if (cached) return cached;
    const text = this.readText(file);
    if (text === undefined) return undefined;
    const tree = this.treeSitter.parse('go', text);
    if (!tree) return undefined;
    try {
      const parsed = goDeclarationsOf(tree.rootNode);
      this.parsed.set(file, parsed);
      return parsed;
    } finally {
      tree.delete();
    }
  }
}

function goDeclarationsOf(root: Node): ParsedGoFile {
  const result: ParsedGoFile = { packageName: '', declarations: [] };
  for (const node of root.namedChildren) {
    if (!node) continue;
    if (node.type === 'package_clause') {
      result.packageName = node.namedChildren.find((c) => c?.type === 'package_identifier')?.text ?? '';
    } else if (node.type === 'function_declaration' || node.type === 'method_declaration') {
      const name = node.childForFieldName('name')?.text;
      if (!name) continue;
      const receiver = node.type === 'method_declaration' ? receiverTypeName(node.childForFieldName('receiver')) : undefined;
      const declaration: ParsedGoFile['declarations'][number] = {
        name,
        line: node.startPosition.row + 1,
        column: node.startPosition.column + 1,
      };
      if (receiver !== undefined) declaration.receiver = receiver;
      result.declarations.push(declaration);
    }
  }
  return result;
}

/** `(s *Service)`, `(Service)`, `(l *List[T])` -> the type's name. */
function receiverTypeName(receiver: Node | null): string | undefined {
  const parameter = receiver?.namedChildren.find((c) => c?.type === 'parameter_declaration');
  let type = parameter?.childForFieldName('type') ?? null;
  while (type && (type.type === 'pointer_type' || type.type === 'generic_type' || type.type === 'parenthesized_type')) {
    type = type.type === 'generic_type' ? type.childForFieldName('type') : type.namedChildren.find((c) => c !== null) ?? null;
  }
  return type?.type === 'type_identifier' ? type.text : undefined;
}

function testFilesLast(a: string, b: string): number {
  const at = a.endsWith('_test.go');
  const bt = b.endsWith('_test.go');
  if (at !== bt) return at ? 1 : -1;
  return a < b ? -1 : a > b ? 1 : 0;
}
