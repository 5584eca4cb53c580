import { unescapeString } from './stringLiterals';

const STRING_LITERAL = String.raw`("(?:[^"\\\n]|\\.)*"|\x60[^\x60]*\x60)`;
const TRAILING = String.raw`\s*(?:\/\/.*)?$`;
/** `const name = "x"`, `var name string = "x"` at the top level. */
const SINGLE = new RegExp(String.raw`^(?:const|var) ([\p{L}_][\p{L}\p{N}_]*)(?: [\w.]+)? = ${STRING_LITERAL}${TRAILING}`, 'u');
/** `\tname = "x"` inside a `const (` / `var (` block. */
const IN_BLOCK = new RegExp(String.raw`^\t([\p{L}_][\p{L}\p{N}_]*)(?: [\w.]+)? = ${STRING_LITERAL}${TRAILING}`, 'u');
const BLOCK_START = /^(?:const|var) \($/;

/**
 * Package-level string constants and vars of a Go file, read from gofmt's layout without parsing: files of a
 * package that start no spans themselves are only needed for the names other files pass to `tracer.Start`.
 */
export function scanGoStringConstants(text: string): Map<string, string> {
  const constants = new Map<string, string>();
  let inBlock = false;
  for (const rawLine of text.split('\n')) {
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    if (inBlock) {
      if (line.startsWith(')')) {
        inBlock = false;
        continue;
      }
      const m = IN_BLOCK.exec(line);
      if (m && !constants.has(m[1])) constants.set(m[1], goStringValue(m[2]));
      continue;
    }
    if (BLOCK_START.test(line)) {
      inBlock = true;
      continue;
    }
    const m = SINGLE.exec(line);
    if (m && !constants.has(m[1])) constants.set(m[1], goStringValue(m[2]));
  }
  return constants;
}

function goStringValue(literal: string): string {
  const body = literal.slice(1, -1);
  return literal.startsWith('`') ? body : unescapeString(body);
}
