/**
 * Reads a launch configuration's `envFile` (dotenv format) so variables the user set there count as set: the debug
 * adapters give `env` precedence over `envFile`, so injecting a variable the file sets would silently override it.
 * No vscode import: unit-tested.
 */

/** `KEY=value` lines; `export ` prefixes, `#` comments, blank lines and single/double quotes as dotenv allows. */
export function parseEnvFile(text: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#')) {
      continue;
    }
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/.exec(line);
    if (!match) {
      continue;
    }
    vars[match[1]] = unquote(match[2]);
  }
  return vars;
}

function unquote(value: string): string {
  const quote = value[0];
  if ((quote === '"' || quote === "'") && value.length >= 2) {
    const close = value.indexOf(quote, 1);
    if (close > 0) {
      const inner = value.slice(1, close);
      return quote === '"' ? inner.replace(/\\n/g, '\n') : inner;
    }
  }
  // Unquoted: a ` #` starts a comment.
  const comment = value.search(/\s#/);
  return (comment >= 0 ? value.slice(0, comment) : value).trim();
}
