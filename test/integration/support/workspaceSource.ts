/** Where the opened sample workspace starts spans: found by reading its files, so the tests follow the sample. */
import * as fs from 'fs';
import * as path from 'path';

export interface SpanStartCall {
  /** Absolute path. */
  file: string;
  /** 1-based, as in telemetry. */
  line: number;
  spanName: string;
}

const GO_SPAN_START = /\.Start\(\s*\w+\s*,\s*"([^"]+)"/g;
const SKIPPED_DIRS = new Set(['.git', 'node_modules', 'vendor', 'bin']);

export function goFiles(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name)) {
          walk(path.join(dir, entry.name));
        }
      } else if (entry.name.endsWith('.go') && !entry.name.endsWith('_test.go')) {
        found.push(path.join(dir, entry.name));
      }
    }
  };
  walk(root);
  return found.sort();
}

/** Every `x.Start(ctx, "literal")` call in the workspace's Go files. */
export function goSpanStarts(root: string): SpanStartCall[] {
  const calls: SpanStartCall[] = [];
  for (const file of goFiles(root)) {
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    lines.forEach((text, index) => {
      for (const match of text.matchAll(GO_SPAN_START)) {
        calls.push({ file, line: index + 1, spanName: match[1] });
      }
    });
  }
  return calls;
}

/** Calls whose span name appears exactly once in the workspace, so a span of that name has one right line. */
export function uniqueGoSpanStarts(root: string): SpanStartCall[] {
  const calls = goSpanStarts(root);
  const counts = new Map<string, number>();
  for (const call of calls) {
    counts.set(call.spanName, (counts.get(call.spanName) ?? 0) + 1);
  }
  return calls.filter((call) => counts.get(call.spanName) === 1);
}

/** 1-based lines of `file` that start a Go function declaration. */
export function goFuncLines(file: string): number[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .flatMap((text, index) => (/^func /.test(text) ? [index + 1] : []));
}
