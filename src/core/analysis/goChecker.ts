/**
 * Runs the Go rules over many files, the way `spanlens check`, the editor's workspace check and the benchmark need:
 * each file with its module's go.mod facts and its module's cross-file facts (does any file set a propagator?), and
 * results kept per file by content hash, so a second pass over unchanged files parses nothing. No vscode import.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import type { GoAnalyzer } from './goAnalyzer';
import type { GoPackageContext } from './goRule';
import { moduleFacts } from './moduleFacts';
import type { StaticFinding } from './types';
import type { CheckedFinding } from './types';
import { GoModule, GoModuleLocator, listModuleGoFiles } from './goFiles';

/** Where texts come from: the disk, or an editor's unsaved buffer first. */
export interface SourceProvider {
  /** Changes whenever the text may have (mtime and size on disk; the buffer's own text otherwise). */
  stamp(file: string): Promise<string | undefined>;
  read(file: string): Promise<string | undefined>;
}

export const diskSources: SourceProvider = {
  stamp: async (file) => {
    const stat = await fs.stat(file).catch(() => undefined);
    return stat?.isFile() ? `${stat.mtimeMs}:${stat.size}:${stat.ino}` : undefined;
  },
  read: (file) => fs.readFile(file, 'utf8').catch(() => undefined),
};

/** Unsaved buffers over the disk: `buffers(file)` answers an open document's text, undefined to read the file. */
export function overlaySources(buffers: (file: string) => string | undefined, base: SourceProvider = diskSources): SourceProvider {
  return {
    stamp: async (file) => {
      const text = buffers(file);
      return text === undefined ? base.stamp(file) : `buffer:${hashText(text)}`;
    },
    read: async (file) => buffers(file) ?? base.read(file),
  };
}

export function hashText(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

/** How many files are read at once: enough to keep the disk busy, few enough for any open-file limit. */
const READ_CONCURRENCY = 32;

interface CachedFile {
  stamp: string;
  hash: string;
}

interface CachedResult {
  key: string;
  findings: CheckedFinding[];
}

interface CachedFacts {
  key: string;
  /** Undefined outside a module: the analyzer then goes by the file alone (and module-wide rules stay quiet). */
  facts: GoPackageContext | undefined;
}

export interface CheckStats {
  files: number;
  /** Files whose text was parsed and checked in this pass (the rest came from the cache). */
  analyzed: number;
}

export class GoChecker {
  private readonly hashes = new Map<string, CachedFile>();
  private readonly results = new Map<string, CachedResult>();
  private readonly facts = new Map<string, CachedFacts>();
  private readonly modules = new GoModuleLocator();
  /** Module dir -> its Go files, listed once per pass. */
  private readonly moduleFiles = new Map<string, Promise<string[]>>();
  /** Module dir -> its facts, worked out once per pass (every file of the module asks). */
  private passFacts = new Map<string, Promise<CachedFacts>>();
  lastStats: CheckStats = { files: 0, analyzed: 0 };

  constructor(private readonly analyzer: GoAnalyzer) {}

  /** Forget module layout (a go.mod or the file set changed); cached results stay valid by their hashes. */
  invalidateModules(): void {
    this.modules.clear();
    this.moduleFiles.clear();
  }

  /** The findings of every file, sorted by file then offset. */
  async check(files: readonly string[], sources: SourceProvider = diskSources, cancelled?: () => boolean): Promise<CheckedFinding[]> {
    this.moduleFiles.clear();
    this.passFacts = new Map();
    let analyzed = 0;
    const perFile = await mapLimit(files, READ_CONCURRENCY, async (file) => {
      if (cancelled?.()) return [];
      const result = await this.checkOne(file, sources);
      if (result.analyzed) analyzed++;
      return result.findings;
    });
    this.passFacts = new Map();
    this.lastStats = { files: files.length, analyzed };
    return perFile.flat().sort((a, b) => (a.file === b.file ? a.start - b.start : a.file < b.file ? -1 : 1));
  }

  /** One file's findings for exactly this text (an editor buffer), with its module's facts. */
  async checkText(file: string, text: string, sources: SourceProvider = diskSources): Promise<CheckedFinding[]> {
    this.passFacts = new Map();
    const { findings } = await this.checkOne(file, overlaySources((f) => (f === file ? text : undefined), sources), text);
    return findings;
  }

  /** The module a file belongs to and its cross-file facts (open buffers included), for fixes of live findings. */
  async contextOf(file: string, sources: SourceProvider = diskSources): Promise<{ module: GoModule; facts: GoPackageContext | undefined }> {
    const module = await this.modules.moduleOf(file);
    return { module, facts: (await this.factsOf(module, sources)).facts };
  }

  private async checkOne(file: string, sources: SourceProvider, knownText?: string): Promise<{ findings: CheckedFinding[]; analyzed: boolean }> {
    const module = await this.modules.moduleOf(file);
    const factsKey = module.dir ?? '';
    let pending = this.passFacts.get(factsKey);
    if (!pending) {
      pending = this.factsOf(module, sources);
      this.passFacts.set(factsKey, pending);
    }
    const facts = await pending;
    let text = knownText;
    const hash = text !== undefined ? hashText(text) : await this.hashOf(file, sources, (read) => (text = read));
    if (hash === undefined) {
      return { findings: [], analyzed: false };
    }
    // The facts' values, not the files they came from: an edit elsewhere in the module that changes no fact keeps this file's result.
    const key = `${hash}|${JSON.stringify(module.info)}|${JSON.stringify(facts.facts ?? null)}`;
    const cached = this.results.get(file);
    if (cached?.key === key) {
      return { findings: cached.findings, analyzed: false };
    }
    text ??= await sources.read(file);
    if (text === undefined) {
      return { findings: [], analyzed: false };
    }
    const findings = withEnds(await this.analyzer.analyze(file, text, module.info, facts.facts), text);
    this.results.set(file, { key, findings });
    return { findings, analyzed: true };
  }

  /** The content hash, read only when the stamp moved; `onRead` gets the text when it had to be read. */
  private async hashOf(file: string, sources: SourceProvider, onRead: (text: string) => void): Promise<string | undefined> {
    const stamp = await sources.stamp(file);
    if (stamp === undefined) {
      this.hashes.delete(file);
      return undefined;
    }
    const cached = this.hashes.get(file);
    if (cached?.stamp === stamp) {
      return cached.hash;
    }
    const text = await sources.read(file);
    if (text === undefined) {
      return undefined;
    }
    onRead(text);
    const hash = hashText(text);
    this.hashes.set(file, { stamp, hash });
    return hash;
  }

  /** The module's cross-file facts, recomputed only when one of its files changed. */
  private async factsOf(module: GoModule, sources: SourceProvider): Promise<CachedFacts> {
    if (module.dir === undefined) {
      return { key: 'none', facts: undefined };
    }
    const dir = module.dir;
    let listing = this.moduleFiles.get(dir);
    if (!listing) {
      listing = listModuleGoFiles(dir);
      this.moduleFiles.set(dir, listing);
    }
    const files = await listing;
    const texts = new Map<string, string>();
    const hashes = await mapLimit(files, READ_CONCURRENCY, (file) => this.hashOf(file, sources, (text) => texts.set(file, text)));
    const key = hashText(files.map((file, i) => `${file}\0${hashes[i] ?? ''}`).join('\n'));
    const cached = this.facts.get(dir);
    if (cached?.key === key) {
      return cached;
    }
    const inputs = await mapLimit(files, READ_CONCURRENCY, async (file) => texts.get(file) ?? (await sources.read(file)) ?? '');
    const computed = { key, facts: moduleFacts(inputs) };
    this.facts.set(dir, computed);
    return computed;
  }
}

/** Adds each finding's end as a 1-based line and UTF-16 column. */
export function withEnds(findings: readonly StaticFinding[], text: string): CheckedFinding[] {
  if (findings.length === 0) return [];
  const lineStarts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  return findings.map((finding) => {
    const end = Math.min(Math.max(finding.end, finding.start), text.length);
    let low = 0;
    let high = lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (lineStarts[mid] <= end) low = mid;
      else high = mid - 1;
    }
    return { ...finding, endLine: low + 1, endColumn: end - lineStarts[low] + 1 };
  });
}

async function mapLimit<T, R>(items: readonly T[], limit: number, run: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await run(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
