import * as fs from 'fs';
import * as path from 'path';
import type { GoPackageContext } from './goRule';
import type { GoModuleInfo } from './types';

const SET_PROPAGATOR = /\bSetTextMapPropagator\s*\(/;
const SET_PROVIDER = /\bSetTracerProvider\s*\(/;
/** `http.DefaultClient = ...`, `http.DefaultClient.Transport = ...`, `http.DefaultTransport = ...`. */
const DEFAULT_CLIENT_ASSIGNED = /\bhttp\.Default(?:Client(?:\.Transport)?|Transport)\s*=[^=]/;

/**
 * Module-wide facts from a cheap text scan. Comments are stripped first so a mention in a comment does not
 * count; a call under another name (a wrapper) is not seen, which errs toward the rules staying quiet only
 * for the propagator (a wrapper that sets it also mentions SetTextMapPropagator somewhere in the module).
 */
export function moduleFacts(texts: Iterable<string>): GoPackageContext {
  const facts: GoPackageContext = {
    moduleCallsSetTextMapPropagator: false,
    moduleCallsSetTracerProvider: false,
    moduleInstrumentsDefaultClient: false,
    wholeModule: true,
  };
  for (const raw of texts) {
    if (!raw.includes('SetTextMapPropagator') && !raw.includes('SetTracerProvider') && !raw.includes('http.Default')) continue;
    const text = stripComments(raw);
    facts.moduleCallsSetTextMapPropagator ||= SET_PROPAGATOR.test(text);
    facts.moduleCallsSetTracerProvider ||= SET_PROVIDER.test(text);
    facts.moduleInstrumentsDefaultClient ||= DEFAULT_CLIENT_ASSIGNED.test(text);
  }
  return facts;
}

/** What one file shows on its own: `wholeModule` false, so module-wide rules stay quiet. */
export function singleFileContext(text: string): GoPackageContext {
  return { ...moduleFacts([text]), wholeModule: false };
}

/** Removes `//` and `/* *\/` comments, keeping string literals (a `//` inside a URL string is not a comment). */
export function stripComments(text: string): string {
  return text.replace(/"(?:[^"\\\n]|\\.)*"|`[^`]*`|'(?:[^'\\\n]|\\.)*'|\/\/[^\n]*|\/\*[\s\S]*?\*\//g, (m) => (m.startsWith('/') ? ' ' : m));
}

/** The directory of the nearest go.mod at or above `fileOrDir`, or undefined. */
export function findGoModuleRoot(fileOrDir: string): string | undefined {
  let dir = path.resolve(fileOrDir);
  if (!isDirectory(dir)) dir = path.dirname(dir);
  for (;;) {
    if (fs.existsSync(path.join(dir, 'go.mod'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** The `module` and `go` lines of a go.mod text. */
export function parseGoMod(text: string): GoModuleInfo {
  const modulePath = /^module\s+("?)([^\s"]+)\1\s*$/m.exec(text)?.[2];
  const goVersion = /^go\s+(\d+\.\d+(?:\.\d+)?)\s*$/m.exec(text)?.[1];
  return { modulePath, goVersion };
}

/** The module info for a file: its nearest go.mod, or an empty info when there is none. */
export function readGoModuleInfo(fileOrDir: string): GoModuleInfo {
  const root = findGoModuleRoot(fileOrDir);
  if (!root) return {};
  try {
    return parseGoMod(fs.readFileSync(path.join(root, 'go.mod'), 'utf8'));
  } catch {
    return {};
  }
}

/** The module's .go files (tests included), without vendor/, testdata/, hidden dirs and nested modules. */
export function listModuleGoFiles(moduleRoot: string): string[] {
  const files: string[] = [];
  const visit = (dir: string, top: boolean) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    if (!top && entries.some((e) => e.isFile() && e.name === 'go.mod')) return;
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name === 'vendor' || entry.name === 'testdata' || entry.name.startsWith('.') || entry.name.startsWith('_') || entry.name === 'node_modules') continue;
        visit(full, false);
      } else if (entry.isFile() && entry.name.endsWith('.go')) {
        files.push(full);
      }
    }
  };
  visit(moduleRoot, true);
  return files.sort();
}

/** Facts for the module holding `moduleRoot`, reading its files (`readText` lets editors pass unsaved buffers). */
export function moduleFactsForRoot(moduleRoot: string, readText: (file: string) => string | undefined = readFileOrUndefined): GoPackageContext {
  return moduleFacts(
    (function* () {
      for (const file of listModuleGoFiles(moduleRoot)) {
        const text = readText(file);
        if (text !== undefined) yield text;
      }
    })(),
  );
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function readFileOrUndefined(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
