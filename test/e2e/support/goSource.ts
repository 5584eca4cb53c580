/**
 * Where a Go span starts, found the plain way: the line holding `tracer.Start(ctx, "<name>"`. The tests compute the
 * expected lines with this, so editing the sample moves expectations along; the product's tree-sitter index must
 * agree exactly.
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

export interface SpanStart {
  /** Relative to the module root, posix separators (as the CLI report writes it). */
  file: string;
  /** 1-based. */
  line: number;
}

function goFiles(dir: string, root = dir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      return entry.name === 'vendor' || entry.name === 'bin' || entry.name.startsWith('.') ? [] : goFiles(full, root);
    }
    return entry.name.endsWith('.go') ? [path.relative(root, full).split(path.sep).join('/')] : [];
  });
}

/** The one line in moduleDir's Go code that starts the span called name; throws unless there is exactly one. */
export function findSpanStart(moduleDir: string, name: string): SpanStart {
  return findCode(moduleDir, `tracer.Start(ctx, ${JSON.stringify(name)}`);
}

/** The one code line (comments aside) in moduleDir's Go code that contains needle; throws unless there is exactly one. */
export function findCode(moduleDir: string, needle: string): SpanStart {
  const found: SpanStart[] = [];
  for (const file of goFiles(moduleDir)) {
    readFileSync(path.join(moduleDir, file), 'utf8')
      .split('\n')
      .forEach((text, index) => {
        if (text.includes(needle) && !text.trimStart().startsWith('//')) {
          found.push({ file, line: index + 1 });
        }
      });
  }
  if (found.length !== 1) {
    throw new Error(`expected exactly one ${needle} in ${moduleDir}, found ${found.length}: ${JSON.stringify(found)}`);
  }
  return found[0];
}

/** How many lines a workspace file has, or undefined when it does not exist. */
export function lineCount(moduleDir: string, file: string): number | undefined {
  try {
    return readFileSync(path.join(moduleDir, file), 'utf8').split('\n').length;
  } catch {
    return undefined;
  }
}
