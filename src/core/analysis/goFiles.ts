/**
 * Which Go files a check covers and which module each belongs to: directory walks that skip what the go tool skips
 * (vendor, testdata, hidden directories) plus node_modules, and the nearest go.mod's `module` and `go` lines.
 * No vscode import: the CLI, the editor's workspace check and the benchmark share it.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parseGoMod } from './moduleFacts';
import type { GoModuleInfo } from './types';

const SKIPPED_DIRS = new Set(['vendor', 'testdata', 'node_modules']);

/** What the go tool leaves out of `./...` (hidden and `_` directories, vendor, testdata), and node_modules. */
export function isSkippedGoDir(name: string): boolean {
  return name.startsWith('.') || name.startsWith('_') || SKIPPED_DIRS.has(name);
}

export class MissingPathError extends Error {
  override readonly name = 'MissingPathError';
}

/**
 * Every `.go` file under the given files and directories (absolute, sorted, each once). A file named explicitly is
 * checked even inside a skipped directory; a path that does not exist is an error.
 */
export async function listGoFiles(paths: readonly string[], cwd: string): Promise<string[]> {
  const found = new Set<string>();
  for (const given of paths) {
    const absolute = path.resolve(cwd, given);
    const stat = await fs.stat(absolute).catch(() => undefined);
    if (!stat) {
      throw new MissingPathError(`no such file or directory: ${given}`);
    }
    if (stat.isDirectory()) {
      await walk(absolute, found);
    } else if (absolute.endsWith('.go')) {
      found.add(absolute);
    }
  }
  return [...found].sort();
}

async function walk(dir: string, found: Set<string>, stopAtModules = false): Promise<void> {
  const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
  if (stopAtModules && entries.some((entry) => entry.isFile() && entry.name === 'go.mod')) {
    return;
  }
  await Promise.all(
    entries.map(async (entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!isSkippedGoDir(entry.name)) await walk(full, found, stopAtModules);
      } else if (entry.isFile() && entry.name.endsWith('.go')) {
        found.add(full);
      }
    }),
  );
}

/** Every Go file of the module rooted at `moduleDir`, without nested modules (a directory with its own go.mod). */
export async function listModuleGoFiles(moduleDir: string): Promise<string[]> {
  const found = new Set<string>();
  const entries = await fs.readdir(moduleDir, { withFileTypes: true }).catch(() => []);
  await Promise.all(
    entries.map(async (entry) => {
      const full = path.join(moduleDir, entry.name);
      if (entry.isDirectory()) {
        if (!isSkippedGoDir(entry.name)) await walk(full, found, true);
      } else if (entry.isFile() && entry.name.endsWith('.go')) {
        found.add(full);
      }
    }),
  );
  return [...found].sort();
}

export interface GoModule {
  /** The directory holding go.mod; undefined for files outside any module. */
  dir: string | undefined;
  info: GoModuleInfo;
}

/** Finds the nearest go.mod above a file, remembering every directory asked about. */
export class GoModuleLocator {
  private readonly byDir = new Map<string, Promise<GoModule>>();

  moduleOf(file: string): Promise<GoModule> {
    return this.moduleOfDir(path.dirname(file));
  }

  /** Forget what is known (a go.mod changed). */
  clear(): void {
    this.byDir.clear();
  }

  private moduleOfDir(dir: string): Promise<GoModule> {
    let module = this.byDir.get(dir);
    if (!module) {
      module = this.lookUp(dir);
      this.byDir.set(dir, module);
    }
    return module;
  }

  private async lookUp(dir: string): Promise<GoModule> {
    const text = await fs.readFile(path.join(dir, 'go.mod'), 'utf8').catch(() => undefined);
    if (text !== undefined) {
      return { dir, info: parseGoMod(text) };
    }
    const parent = path.dirname(dir);
    return parent === dir ? { dir: undefined, info: {} } : this.moduleOfDir(parent);
  }
}
