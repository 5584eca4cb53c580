import * as fs from 'fs';
import { createRequire } from 'module';
import * as path from 'path';
import { Language, Parser, type Tree } from 'web-tree-sitter';

export type GrammarId = 'go' | 'javascript' | 'typescript' | 'tsx' | 'python' | 'java';

/** Each grammar's own .wasm: base name (as copied to dist/grammars/) and the npm package that ships it. */
const GRAMMARS: Record<GrammarId, { file: string; pkg: string }> = {
  go: { file: 'tree-sitter-go.wasm', pkg: 'tree-sitter-go' },
  javascript: { file: 'tree-sitter-javascript.wasm', pkg: 'tree-sitter-javascript' },
  typescript: { file: 'tree-sitter-typescript.wasm', pkg: 'tree-sitter-typescript' },
  tsx: { file: 'tree-sitter-tsx.wasm', pkg: 'tree-sitter-typescript' },
  python: { file: 'tree-sitter-python.wasm', pkg: 'tree-sitter-python' },
  java: { file: 'tree-sitter-java.wasm', pkg: 'tree-sitter-java' },
};
const RUNTIME = { file: 'tree-sitter.wasm', pkg: 'web-tree-sitter' };
/** What to ask Node for to find a package's directory (web-tree-sitter does not export its package.json). */
const PACKAGE_ANCHOR: Record<string, string> = { 'web-tree-sitter': 'web-tree-sitter/tree-sitter.wasm' };

declare const __non_webpack_require__: NodeRequire | undefined;
/**
 * Inside a webpack bundle `require.resolve` answers module ids; Node's own require (webpack spells it
 * `__non_webpack_require__`) finds real files. Outside a bundle, a require of this very file does the same.
 */
const nodeRequire: NodeRequire =
  typeof __non_webpack_require__ === 'function' ? __non_webpack_require__ : createRequire(__filename);

/** The emscripten runtime is one per process. */
let runtimeReady: Promise<void> | undefined;
/**
 * Grammars by .wasm path, shared by every TreeSitter of the process: a loaded grammar lives in the runtime's
 * heap for good, and the extension builds a new index on every rebuild.
 */
const languagesByPath = new Map<string, Promise<Language>>();

/**
 * web-tree-sitter with the grammars loaded lazily, once per language. The wasm bytes are read here and handed
 * over, so the library never has to find files itself (which differs between out/ and a webpack bundle).
 */
export class TreeSitter {
  private readonly languages = new Map<GrammarId, Promise<Language>>();
  private readonly loaded = new Map<GrammarId, Language>();
  private readonly parsers = new Map<GrammarId, Parser>();

  /** `grammarDir`: a directory whose `grammars/` holds the .wasm files (the bundle passes its `__dirname`). */
  constructor(private readonly grammarDir?: string) {}

  load(id: GrammarId): Promise<Language> {
    let language = this.languages.get(id);
    if (!language) {
      language = this.loadUncached(id);
      this.languages.set(id, language);
      // A failed load may be retried later (e.g. the file appears after a build).
      language.catch(() => this.languages.delete(id));
    }
    return language;
  }

  /** Synchronous access for hot paths: undefined until `load(id)` has finished. */
  language(id: GrammarId): Language | undefined {
    return this.loaded.get(id);
  }

  /** Parses with the language already loaded; the caller deletes the tree. */
  parse(id: GrammarId, text: string): Tree | undefined {
    const parser = this.parsers.get(id);
    return parser?.parse(text) ?? undefined;
  }

  /** Frees this instance's parsers (the shared grammars stay loaded). */
  dispose(): void {
    for (const parser of this.parsers.values()) parser.delete();
    this.parsers.clear();
    this.loaded.clear();
    this.languages.clear();
  }

  private async loadUncached(id: GrammarId): Promise<Language> {
    runtimeReady ??= Parser.init({ wasmBinary: fs.readFileSync(this.wasmPath(RUNTIME)) }).catch((error: unknown) => {
      runtimeReady = undefined;
      throw error;
    });
    await runtimeReady;
    const wasm = this.wasmPath(GRAMMARS[id]);
    let shared = languagesByPath.get(wasm);
    if (!shared) {
      shared = Language.load(fs.readFileSync(wasm));
      languagesByPath.set(wasm, shared);
      shared.catch(() => languagesByPath.delete(wasm));
    }
    const language = await shared;
    const parser = new Parser();
    parser.setLanguage(language);
    this.parsers.set(id, parser);
    this.loaded.set(id, language);
    return language;
  }

  private wasmPath({ file, pkg }: { file: string; pkg: string }): string {
    if (this.grammarDir !== undefined) {
      const bundled = path.join(this.grammarDir, 'grammars', file);
      if (fs.existsSync(bundled)) return bundled;
    }
    const packageDir = path.dirname(nodeRequire.resolve(PACKAGE_ANCHOR[pkg] ?? `${pkg}/package.json`));
    return path.join(packageDir, file);
  }
}
