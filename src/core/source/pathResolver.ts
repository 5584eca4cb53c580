import * as path from 'path';

/** A user's rewrite of the build machine's path prefix (`spanLens.pathMappings`). */
export interface PathMapping {
  from: string;
  /** May contain `${workspaceFolder}` (every root is tried) or `${workspaceFolder:name}` (the root so named). */
  to: string;
}

interface KnownFile {
  /** As the file system spells it: what we hand out. */
  native: string;
  /** Forward slashes, split: what telemetry paths are compared with. */
  segments: string[];
  /** Segments below its workspace root: a suffix match this long covers the whole workspace path. */
  depth: number;
}

const MAX_CACHED = 20_000;

/**
 * Turns a path from telemetry (the build machine's: a container's /app, a CI checkout, a Windows box) into a
 * file of the workspace: user mappings first, then an exact match, then the longest path-suffix match.
 * It only ever answers with a file it was told about, and it is told only about files inside the roots:
 * telemetry can never make us open anything else.
 */
export class PathResolver {
  private roots: string[] = [];
  private mappings: PathMapping[] = [];
  private readonly byKey = new Map<string, KnownFile>();
  private readonly byBaseName = new Map<string, KnownFile[]>();
  private readonly byLowerBaseName = new Map<string, KnownFile[]>();
  private readonly cache = new Map<string, string | null>();

  constructor(roots: readonly string[] = [], mappings: readonly PathMapping[] = []) {
    this.setRoots(roots);
    this.setMappings(mappings);
  }

  setRoots(roots: readonly string[]): void {
    this.roots = roots.map((r) => path.resolve(r));
    for (const file of [...this.byKey.values()]) {
      if (!this.isInsideRoots(file.native)) this.removeFile(file.native);
    }
    this.cache.clear();
  }

  setMappings(mappings: readonly PathMapping[]): void {
    this.mappings = mappings
      .filter((m) => typeof m.from === 'string' && typeof m.to === 'string' && m.from.trim() !== '')
      .map((m) => ({ from: stripTrailingSlash(normalizeSlashes(m.from.trim())), to: m.to.trim() }));
    this.cache.clear();
  }

  /** Files outside the roots are ignored. */
  addFile(file: string): void {
    const native = path.resolve(file);
    if (!this.isInsideRoots(native)) return;
    const key = toKey(native);
    if (this.byKey.has(key)) return;
    const root = this.roots.find((r) => isInside(r, native)) ?? '';
    const known: KnownFile = { native, segments: key.split('/'), depth: path.relative(root, native).split(path.sep).length };
    this.byKey.set(key, known);
    push(this.byBaseName, baseName(known), known);
    push(this.byLowerBaseName, baseName(known).toLowerCase(), known);
    this.cache.clear();
  }

  removeFile(file: string): void {
    const key = toKey(path.resolve(file));
    const known = this.byKey.get(key);
    if (!known) return;
    this.byKey.delete(key);
    pull(this.byBaseName, baseName(known), known);
    pull(this.byLowerBaseName, baseName(known).toLowerCase(), known);
    this.cache.clear();
  }

  has(file: string): boolean {
    return this.byKey.has(toKey(path.resolve(file)));
  }

  isInsideRoots(file: string): boolean {
    return this.roots.some((root) => isInside(root, file));
  }

  /** The workspace file a telemetry path means, or undefined. Cached: it runs per span. */
  resolve(rawPath: string): string | undefined {
    const cached = this.cache.get(rawPath);
    if (cached !== undefined) return cached ?? undefined;
    const resolved = this.resolveUncached(rawPath);
    if (this.cache.size >= MAX_CACHED) this.cache.clear();
    this.cache.set(rawPath, resolved ?? null);
    return resolved;
  }

  private resolveUncached(rawPath: string): string | undefined {
    const telemetryPath = normalizeTelemetryPath(rawPath);
    if (telemetryPath === '') return undefined;
    for (const mapped of this.applyMappings(telemetryPath)) {
      const hit = this.exact(mapped) ?? this.longestSuffix(mapped);
      if (hit) return hit;
    }
    return this.exact(telemetryPath) ?? this.longestSuffix(telemetryPath);
  }

  private applyMappings(telemetryPath: string): string[] {
    const results: string[] = [];
    for (const { from, to } of this.mappings) {
      if (telemetryPath !== from && !telemetryPath.startsWith(`${from}/`)) continue;
      const rest = telemetryPath.slice(from.length);
      for (const target of this.expandVariables(to)) {
        results.push(normalizeSlashes(target) + rest);
      }
    }
    return results;
  }

  private expandVariables(to: string): string[] {
    if (to.includes('${workspaceFolder}')) {
      return this.roots.map((root) => to.split('${workspaceFolder}').join(toKey(root)));
    }
    const named = /\$\{workspaceFolder:([^}]+)\}/.exec(to);
    if (named) {
      const root = this.roots.find((r) => path.basename(r) === named[1]);
      return root ? [to.replace(named[0], toKey(root))] : [];
    }
    return [to];
  }

  /** The same file, spelled absolutely or relative to a root. */
  private exact(telemetryPath: string): string | undefined {
    // A drive-letter path cannot name a file here unless we run on Windows.
    if (/^[A-Za-z]:\//.test(telemetryPath) && path.sep === '/') return undefined;
    if (isAbsolute(telemetryPath)) return this.byKey.get(toKey(path.resolve(telemetryPath)))?.native;
    for (const root of this.roots) {
      const candidate = path.resolve(root, telemetryPath);
      if (!isInside(root, candidate)) continue;
      const known = this.byKey.get(toKey(candidate));
      if (known) return known.native;
    }
    return undefined;
  }

  /** The known file sharing the most trailing path segments, if exactly one does. */
  private longestSuffix(telemetryPath: string): string | undefined {
    let segments = telemetryPath.split('/').filter((s) => s !== '' && s !== '.');
    const lastParent = segments.lastIndexOf('..');
    if (lastParent >= 0) segments = segments.slice(lastParent + 1);
    if (segments.length === 0) return undefined;
    const name = segments[segments.length - 1];
    const exactCase = this.byBaseName.get(name);
    if (exactCase) return pickLongestSuffix(exactCase, segments, false);
    // Windows and macOS builds report paths in whatever case the build tool saw.
    const anyCase = this.byLowerBaseName.get(name.toLowerCase());
    return anyCase ? pickLongestSuffix(anyCase, segments, true) : undefined;
  }
}

/**
 * The candidate sharing the most trailing segments. Among equals, the one whose whole workspace path matched
 * (`/app/internal/x.go` → `internal/x.go`, not `pkg/y/internal/x.go`). A tie beyond that means the telemetry path
 * cannot tell the files apart (three `main.go`, a path from outside the workspace): no answer beats a wrong line.
 */
function pickLongestSuffix(candidates: KnownFile[], segments: string[], ignoreCase: boolean): string | undefined {
  let bestLength = 0;
  let best: KnownFile[] = [];
  for (const candidate of candidates) {
    const length = commonSuffixLength(candidate.segments, segments, ignoreCase);
    if (length === 0 || length < bestLength) continue;
    if (length > bestLength) {
      bestLength = length;
      best = [];
    }
    best.push(candidate);
  }
  if (best.length === 1) return best[0].native;
  const whole = best.filter((candidate) => candidate.depth <= bestLength);
  return whole.length === 1 ? whole[0].native : undefined;
}

function commonSuffixLength(a: string[], b: string[], ignoreCase: boolean): number {
  let n = 0;
  while (n < a.length && n < b.length) {
    const x = a[a.length - 1 - n];
    const y = b[b.length - 1 - n];
    if (ignoreCase ? x.toLowerCase() !== y.toLowerCase() : x !== y) break;
    n++;
  }
  return n;
}

function normalizeTelemetryPath(raw: string): string {
  let p = raw.trim();
  if (p.startsWith('file://')) {
    try {
      p = decodeURIComponent(p.slice('file://'.length));
    } catch {
      p = p.slice('file://'.length);
    }
    if (/^\/[A-Za-z]:\//.test(p)) p = p.slice(1);
  }
  return normalizeSlashes(p);
}

function normalizeSlashes(p: string): string {
  return p.replace(/\\/g, '/').replace(/\/{2,}/g, '/');
}

function stripTrailingSlash(p: string): string {
  return p.length > 1 ? p.replace(/\/+$/, '') : p;
}

function isAbsolute(p: string): boolean {
  return p.startsWith('/') || /^[A-Za-z]:\//.test(p);
}

/** Resolved, forward slashes: the comparison form of a native path. */
function toKey(nativePath: string): string {
  return nativePath.replace(/\\/g, '/');
}

function baseName(file: KnownFile): string {
  return file.segments[file.segments.length - 1];
}

/** Both absolute and resolved: a prefix test is exact, and far cheaper than path.relative on every file. */
function isInside(root: string, file: string): boolean {
  const prefix = root.endsWith(path.sep) ? root : root + path.sep;
  return file.length > prefix.length && file.startsWith(prefix);
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function pull<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (!list) return;
  const i = list.indexOf(value);
  if (i >= 0) list.splice(i, 1);
  if (list.length === 0) map.delete(key);
}
