import * as fs from 'fs';
import * as path from 'path';
import { Emitter, type Disposable } from '../util/emitter';
import { GoDeclarations } from './goDeclarations';
import { PathResolver, type PathMapping } from './pathResolver';
import { SpanNameIndex } from './spanNameIndex';
import { TreeSitter } from './treeSitter';

export interface WorkspaceIndexOptions {
  roots: string[];
  /** Where `grammars/*.wasm` live when bundled (the bundle's `__dirname`); node_modules otherwise. */
  grammarDir?: string;
  /** Globs over root-relative paths (`**`, `*`, `?`); a pattern without `/` also matches any single path segment. */
  exclude?: string[];
  /** Files larger than this are known (paths resolve to them) but never read. */
  maxFileBytes?: number;
  pathMappings?: PathMapping[];
}

/** Which files changed; empty after a full re-index. */
export interface WorkspaceIndexChange {
  files: readonly string[];
}

/** Directories that hold no code of the user's own, or only generated/installed copies. */
const SKIPPED_DIRS = new Set(['node_modules', 'vendor', 'dist', 'out', 'build', 'testdata', '__pycache__', 'site-packages']);
const DEFAULT_MAX_FILE_BYTES = 1024 * 1024;
const READ_CONCURRENCY = 32;

/**
 * Everything the source mapper needs to know about the workspace, kept current: the file list (for path
 * resolution), span-starting calls by span name, go.mod modules and Go files (for declarations).
 */
export class WorkspaceIndex implements Disposable {
  readonly treeSitter: TreeSitter;
  readonly resolver: PathResolver;
  readonly spanNames: SpanNameIndex;
  readonly goDeclarations: GoDeclarations;

  private readonly roots: string[];
  private readonly exclude: Array<{ pattern: RegExp; anySegment: boolean }>;
  private readonly maxFileBytes: number;
  private readonly known = new Set<string>();
  /** Editor buffers with unsaved text: what the user sees is what lines refer to. */
  private readonly overlays = new Map<string, string>();
  private readonly changed = new Emitter<WorkspaceIndexChange>();
  readonly onDidChange = this.changed.event;

  constructor(options: WorkspaceIndexOptions) {
    this.roots = options.roots.map((r) => path.resolve(r));
    this.exclude = (options.exclude ?? []).map((glob) => ({ pattern: globToRegExp(glob), anySegment: !glob.includes('/') }));
    this.maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
    this.treeSitter = new TreeSitter(options.grammarDir);
    this.resolver = new PathResolver(this.roots, options.pathMappings ?? []);
    this.spanNames = new SpanNameIndex(this.treeSitter);
    this.goDeclarations = new GoDeclarations(this.treeSitter, (file) => this.readTextSync(file));
  }

  get files(): ReadonlySet<string> {
    return this.known;
  }

  get workspaceRoots(): readonly string[] {
    return this.roots;
  }

  setPathMappings(mappings: readonly PathMapping[]): void {
    this.resolver.setMappings(mappings);
    this.changed.fire({ files: [] });
  }

  /** Walks every root and indexes what it finds. */
  async indexAll(): Promise<void> {
    const found: string[] = [];
    for (const root of this.roots) await this.walk(root, found);
    const stillThere = new Set(found);
    for (const file of [...this.known]) if (!stillThere.has(file)) this.forget(file);
    found.sort();
    for (const file of found) this.register(file);
    await this.loadGoIfNeeded();
    await forEachLimited(found, READ_CONCURRENCY, async (file) => void (await this.indexContent(file)));
    this.changed.fire({ files: [] });
  }

  /** A file was created or changed; `text` is an editor's current (maybe unsaved) text, else the disk is read. */
  async updateFile(file: string, text?: string): Promise<void> {
    const abs = path.resolve(file);
    if (!this.isIndexable(abs)) return;
    if (text === undefined) {
      this.overlays.delete(abs);
      const stat = await statOrUndefined(abs);
      if (!stat) return this.removeFile(abs);
      if (stat.isDirectory()) {
        const found: string[] = [];
        await this.walk(abs, found);
        for (const f of found) this.register(f);
        await this.loadGoIfNeeded();
        await forEachLimited(found, READ_CONCURRENCY, async (f) => void (await this.indexContent(f)));
        this.changed.fire({ files: found });
        return;
      }
      if (!stat.isFile()) return;
    } else {
      this.overlays.set(abs, text);
    }
    const isNew = this.register(abs);
    await this.loadGoIfNeeded();
    const contentChanged = await this.indexContent(abs);
    // Go declarations move with any edit; other files matter only through their span starts (typing in a
    // file that starts no spans must not make every retained span be re-mapped).
    if (isNew || contentChanged || abs.endsWith('.go')) this.changed.fire({ files: [abs] });
  }

  /** A file or a whole directory went away. */
  removeFile(file: string): void {
    const abs = path.resolve(file);
    const gone = this.known.has(abs) ? [abs] : [...this.known].filter((f) => f.startsWith(abs + path.sep));
    if (gone.length === 0) return;
    for (const f of gone) this.forget(f);
    this.changed.fire({ files: gone });
  }

  dispose(): void {
    this.changed.dispose();
    this.spanNames.dispose();
    this.treeSitter.dispose();
  }

  /** Inside a root, not under a skipped directory, not excluded. */
  isIndexable(file: string): boolean {
    const root = this.roots.find((r) => isInside(r, file));
    if (root === undefined) return false;
    const relative = path.relative(root, file).split(path.sep);
    if (relative.slice(0, -1).some(isSkippedDir)) return false;
    return !this.isExcluded(relative.join('/'));
  }

  private isExcluded(relativePosix: string): boolean {
    if (this.exclude.length === 0) return false;
    return this.exclude.some(
      ({ pattern, anySegment }) => pattern.test(relativePosix) || (anySegment && relativePosix.split('/').some((s) => pattern.test(s))),
    );
  }

  private async walk(dir: string, found: string[]): Promise<void> {
    let entries: fs.Dirent[];
    try {
      entries = await fs.promises.readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    const subdirs: string[] = [];
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      // Symlinks are not followed: they may lead outside the workspace, or in circles.
      if (entry.isDirectory()) {
        if (!isSkippedDir(entry.name) && !this.isExcludedPath(full)) subdirs.push(full);
      } else if (entry.isFile() && !this.isExcludedPath(full)) {
        found.push(full);
      }
    }
    await Promise.all(subdirs.map((sub) => this.walk(sub, found)));
  }

  private isExcludedPath(file: string): boolean {
    if (this.exclude.length === 0) return false;
    const root = this.roots.find((r) => isInside(r, file)) ?? this.roots[0];
    return this.isExcluded(path.relative(root, file).split(path.sep).join('/'));
  }

  /** Returns whether the file is new to the index. */
  private register(file: string): boolean {
    const isNew = !this.known.has(file);
    this.known.add(file);
    this.resolver.addFile(file);
    if (file.endsWith('.go')) this.goDeclarations.addFile(file);
    return isNew;
  }

  private forget(file: string): void {
    this.known.delete(file);
    this.overlays.delete(file);
    this.resolver.removeFile(file);
    this.spanNames.removeFile(file);
    if (file.endsWith('.go')) this.goDeclarations.removeFile(file);
    if (path.basename(file) === 'go.mod') this.goDeclarations.removeGoMod(file);
  }

  /** Returns whether what the index derives from the file's text changed. */
  private async indexContent(file: string): Promise<boolean> {
    const isGoMod = path.basename(file) === 'go.mod';
    if (!isGoMod && !SpanNameIndex.indexes(file)) return false;
    const text = this.overlays.get(file) ?? (await this.readText(file));
    if (text === undefined) return this.spanNames.removeFile(file);
    if (!isGoMod) return this.spanNames.updateFile(file, text);
    this.goDeclarations.setGoMod(file, text);
    return true;
  }

  private async loadGoIfNeeded(): Promise<void> {
    // Declarations are looked up synchronously on the hot path: the grammar must be ready before.
    if (this.goDeclarations.moduleCount > 0 || [...this.known].some((f) => f.endsWith('.go'))) {
      await this.treeSitter.load('go');
    }
  }

  private async readText(file: string): Promise<string | undefined> {
    let handle: fs.promises.FileHandle | undefined;
    try {
      // One open for the size check and the read: indexing is mostly file system round trips.
      handle = await fs.promises.open(file, 'r');
      const stat = await handle.stat();
      if (!stat.isFile() || stat.size > this.maxFileBytes) return undefined;
      return await handle.readFile('utf8');
    } catch {
      return undefined;
    } finally {
      await handle?.close().catch(() => undefined);
    }
  }

  private readTextSync(file: string): string | undefined {
    const overlay = this.overlays.get(file);
    if (overlay !== undefined) return overlay;
    if (!this.known.has(file)) return undefined;
    try {
      const stat = fs.statSync(file);
      return stat.size > this.maxFileBytes ? undefined : fs.readFileSync(file, 'utf8');
    } catch {
      return undefined;
    }
  }
}

function isSkippedDir(name: string): boolean {
  return name.startsWith('.') || SKIPPED_DIRS.has(name);
}

/** Both absolute and resolved: a prefix test is exact, and far cheaper than path.relative on every file. */
function isInside(root: string, file: string): boolean {
  const prefix = root.endsWith(path.sep) ? root : root + path.sep;
  return file.length > prefix.length && file.startsWith(prefix);
}

async function statOrUndefined(file: string): Promise<fs.Stats | undefined> {
  try {
    return await fs.promises.stat(file);
  } catch {
    return undefined;
  }
}

async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

function globToRegExp(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      source += '.*';
      i++;
      if (glob[i + 1] === '/') i++;
    } else if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else source += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source.replace(/\/+$/, '')}(?:/.*)?$`);
}
