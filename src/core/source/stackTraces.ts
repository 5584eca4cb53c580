import type { Span } from '../model/span';

/** One frame of a stack trace, as the runtime printed it. */
export interface StackFrame {
  /** The build machine's path (Java: package dirs + file name, e.g. `com/acme/Foo.java`). */
  file: string;
  /** 1-based. */
  line: number;
  column?: number;
  function?: string;
}

const NO_TRACES: readonly string[] = Object.freeze([]);

/**
 * The stack traces a span carries, most specific first: `code.stacktrace`, then every `exception` event's
 * `exception.stacktrace`.
 */
export function spanStackTraces(span: Span): readonly string[] {
  const own = span.attributes['code.stacktrace'];
  const events = span.events;
  // Runs for every span without `code.*`: most carry neither, and get no array.
  if (own === undefined && events.length === 0) return NO_TRACES;
  const traces: string[] = [];
  if (typeof own === 'string' && own.trim() !== '') traces.push(own);
  for (let i = 0; i < events.length; i++) {
    const event = events[i];
    if (event.name !== 'exception') continue;
    const trace = event.attributes['exception.stacktrace'];
    if (typeof trace === 'string' && trace.trim() !== '') traces.push(trace);
  }
  return traces;
}

/**
 * Frames that can be the user's own code, innermost first, in Go (`debug.Stack()`), Java, Python and V8 formats.
 * Runtime, OpenTelemetry, vendored and installed-dependency frames are left out: their file names (server.go,
 * span.go, index.js) would otherwise suffix-match some unrelated workspace file.
 */
export function userFrames(stackTrace: string): StackFrame[] {
  const lines = stackTrace.split(/\r?\n/);
  if (lines.some((l) => PYTHON_FRAME.test(l))) {
    // Python prints the innermost call last.
    return parsePython(lines).reverse().filter(isUserPythonFrame);
  }
  const frames: StackFrame[] = [];
  let goFunction: string | undefined;
  for (const line of lines) {
    const go = GO_FILE_LINE.exec(line);
    if (go) {
      const frame: StackFrame = { file: go[1], line: Number(go[2]) };
      if (goFunction !== undefined) frame.function = goFunction;
      if (isUserGoFrame(frame)) frames.push(frame);
      goFunction = undefined;
      continue;
    }
    const java = JAVA_FRAME.exec(line);
    if (java) {
      const frame = javaFrame(java[1], java[2], Number(java[3]));
      if (frame && isUserJavaFrame(frame)) frames.push(frame);
      continue;
    }
    const v8 = V8_FRAME.exec(line);
    if (v8) {
      const frame: StackFrame = { file: fromFileUrl(v8[2]), line: Number(v8[3]), column: Number(v8[4]) };
      if (v8[1] !== undefined) frame.function = v8[1];
      if (isUserV8Frame(frame)) frames.push(frame);
      continue;
    }
    goFunction = goFunctionName(line);
  }
  return frames;
}

// ---- Go: "pkg.Func(args)" then "\t/path/file.go:123 +0x1d"; "created by pkg.F in goroutine 7" before the site.
const GO_FILE_LINE = /^\t(\S.*?\.go):(\d+)(?: \+0x[0-9a-fA-F]+)?\s*$/;
const GO_ARGS = /\((?:[^()]|\.\.\.)*\)$/;

function goFunctionName(line: string): string | undefined {
  let text = line.trim();
  if (text === '' || text.startsWith('goroutine ')) return undefined;
  if (text.startsWith('created by ')) text = text.slice('created by '.length).replace(/ in goroutine \d+$/, '');
  return text.replace(GO_ARGS, '');
}

/** Top-level standard library packages: their functions are the runtime, not the user. */
const GO_STD = new Set([
  'archive', 'bufio', 'bytes', 'cmp', 'compress', 'container', 'context', 'crypto', 'database', 'debug', 'embed',
  'encoding', 'errors', 'expvar', 'flag', 'fmt', 'go', 'hash', 'html', 'image', 'index', 'internal', 'io', 'iter',
  'log', 'maps', 'math', 'mime', 'net', 'os', 'path', 'plugin', 'reflect', 'regexp', 'runtime', 'slices', 'sort',
  'strconv', 'strings', 'structs', 'sync', 'syscall', 'testing', 'text', 'time', 'unicode', 'unique', 'unsafe',
  'weak', 'vendor',
]);

function isUserGoFrame(frame: StackFrame): boolean {
  const file = frame.file.replace(/\\/g, '/');
  if (/\/vendor\/|^vendor\/|\/pkg\/mod\/|\/go\/src\/|\/golang\/src\/|\/go-[\d.]+\/src\//.test(file)) return false;
  const fn = frame.function;
  if (fn === undefined) return true;
  if (fn.startsWith('go.opentelemetry.io/')) return false;
  // The first import-path element names the standard library (with -trimpath the file path alone does not).
  const first = fn.split('/')[0];
  return !GO_STD.has(fn.includes('/') ? first : first.split('.')[0]);
}

// ---- Java: "\tat com.acme.Foo$Inner.bar(Foo.java:12)", optionally with "module@ver/" or "app//" in front.
const JAVA_FRAME = /^\s*at\s+(?:[\w.@$-]*\/+)?([\w$.<>-]+)\(([^():]+\.(?:java|kt|scala|groovy)):(\d+)\)\s*$/;
const JAVA_RUNTIME = /^(?:java|javax|jdk|sun|com\.sun|jakarta|kotlin|kotlinx|scala|io\.opentelemetry)\./;

function javaFrame(qualifiedMethod: string, fileName: string, line: number): StackFrame | undefined {
  const parts = qualifiedMethod.split('.');
  if (parts.length < 2) return undefined;
  // Package dirs come from the class name: the file name alone would match any Foo.java in the workspace.
  const packageDirs = parts.slice(0, -2);
  const file = [...packageDirs, fileName].join('/');
  return { file, line, function: qualifiedMethod };
}

function isUserJavaFrame(frame: StackFrame): boolean {
  return !JAVA_RUNTIME.test(frame.function ?? '');
}

// ---- Python: '  File "/app/x.py", line 12, in f'
const PYTHON_FRAME = /^\s*File "([^"]+)", line (\d+)(?:, in (.+))?\s*$/;

function parsePython(lines: string[]): StackFrame[] {
  const frames: StackFrame[] = [];
  for (const line of lines) {
    const m = PYTHON_FRAME.exec(line);
    if (!m) continue;
    const frame: StackFrame = { file: m[1], line: Number(m[2]) };
    if (m[3] !== undefined) frame.function = m[3].trim();
    frames.push(frame);
  }
  return frames;
}

function isUserPythonFrame(frame: StackFrame): boolean {
  const file = frame.file.replace(/\\/g, '/');
  if (file.startsWith('<')) return false;
  return !/\/(?:site|dist)-packages\/|\/lib\/python\d[\d.]*\/|(?:^|\/)opentelemetry\//.test(file);
}

// ---- V8: "    at fn (/path/file.ts:12:5)", "    at /path/file.ts:12:5", "    at async fn (file:///x.mjs:1:2)"
const V8_FRAME = /^\s*at\s+(?:(.*?)\s+\()?([^()]+?):(\d+):(\d+)\)?\s*$/;

function fromFileUrl(location: string): string {
  if (!location.startsWith('file://')) return location;
  let path = decodeURIComponent(location.slice('file://'.length));
  // file:///C:/x -> C:/x
  if (/^\/[A-Za-z]:\//.test(path)) path = path.slice(1);
  return path;
}

function isUserV8Frame(frame: StackFrame): boolean {
  const file = frame.file.replace(/\\/g, '/');
  if (/^(?:node:|internal\/|native$|<anonymous>|evalmachine)/.test(file)) return false;
  return !/\/node_modules\/|^node_modules\//.test(file);
}
