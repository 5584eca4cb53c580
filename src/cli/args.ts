/** Command-line parsing for `spanlens`: small and strict, so a typo is an error (exit 2), never a silent default. */
import { DEFAULT_GRPC_PORT } from '../receiver/grpcReceiver';
import { DEFAULT_HOST, DEFAULT_PORT } from '../receiver/httpReceiver';

export interface ReceiveOptions {
  host: string;
  /** 0 = pick a free port (printed in the listening line). */
  httpPort: number;
  /** --grpc-port (0 = pick a free one); absent: DEFAULT_GRPC_PORT, and failing to bind it is only a warning. */
  grpcPort?: number;
  /** --no-grpc: OTLP/HTTP only. */
  noGrpc?: true;
  workspace: string;
  /** Where the JSON report goes; stdout when absent. */
  report?: string;
  maxSpans: number;
  /** --decode-workers: decode worker threads; absent: one per core, at most four. */
  decodeWorkers?: number;
  /** --cors-origin: browser origins allowed to send over OTLP/HTTP ('*' any); none when absent. */
  corsAllowedOrigins?: string[];
  /** From the SPANLENS_API_KEY environment variable (not a flag: flags show in process listings). */
  apiKey?: string;
}

export const MAX_DECODE_WORKERS = 16;

export type CheckFormat = 'text' | 'json' | 'sarif';
export const CHECK_FORMATS: readonly CheckFormat[] = ['text', 'json', 'sarif'];

export interface CheckOptions {
  /** Files and directories to check, as given (relative to cwd); the cwd when none were given. */
  paths: string[];
  format: CheckFormat;
  /** Paths in the output are relative to it. */
  cwd: string;
}

export type Command =
  | { kind: 'help' }
  | { kind: 'version' }
  | { kind: 'receive'; options: ReceiveOptions }
  | { kind: 'check'; options: CheckOptions };

export const DEFAULT_MAX_SPANS = 1_000_000;

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const USAGE = `Usage: spanlens <command> [options]

Commands:
  receive            Receive OTLP traces (HTTP and gRPC), map spans to source lines, and on SIGINT/SIGTERM
                     write a JSON report of per-line counts, latencies and errors.
  check [paths...]   Check Go source for faults that break traces (the editor's static checks).
                     Exit 0 when clean, 1 when there are findings, 2 on bad usage.

Options for receive:
  --host H           Address to bind (default ${DEFAULT_HOST})
  --http-port P      OTLP/HTTP port (default ${DEFAULT_PORT}; 0 picks a free port)
  --grpc-port P      OTLP/gRPC port (default ${DEFAULT_GRPC_PORT}; 0 picks a free port); when the default port
                     is taken the receiver carries on with HTTP only, a port given here must bind
  --no-grpc          Do not receive OTLP/gRPC
  --cors-origin O    Let browser apps from these origins (comma-separated; * for any) send over OTLP/HTTP
  --workspace DIR    Source tree to map spans into (default: the current directory)
  --report FILE      Write the report to FILE instead of stdout
  --max-spans N      Spans kept in memory; oldest traces are evicted beyond it (default ${DEFAULT_MAX_SPANS})
  --decode-workers N Threads decoding request bodies (default: one per core, at most 4)

Options for check:
  --format F         text (default), json or sarif
  paths              Go files or directories (default: the current directory); vendor, testdata,
                     node_modules and hidden directories are skipped

  -h, --help         Show this help
  -v, --version      Show the version

Environment:
  SPANLENS_API_KEY   When set, receive only requests carrying it (Authorization: Bearer <key> or x-api-key: <key>)
`;

type ValueOption = '--host' | '--http-port' | '--grpc-port' | '--workspace' | '--report' | '--max-spans' | '--decode-workers' | '--cors-origin';
const valueOptions = new Set<string>(['--host', '--http-port', '--grpc-port', '--workspace', '--report', '--max-spans', '--decode-workers', '--cors-origin']);

export function parseArgs(argv: readonly string[], cwd: string): Command {
  if (argv.length === 0) {
    throw new UsageError('missing command');
  }
  if (argv[0] === 'help' || argv.includes('--help') || argv.includes('-h')) {
    return { kind: 'help' };
  }
  if (argv.includes('--version') || argv.includes('-v')) {
    return { kind: 'version' };
  }
  const [command, ...rest] = argv;
  if (command === 'check') {
    return { kind: 'check', options: parseCheck(rest, cwd) };
  }
  if (command !== 'receive') {
    throw new UsageError(command.startsWith('-') ? `unknown option ${command}` : `unknown command ${command}`);
  }
  const values = new Map<ValueOption, string>();
  let noGrpc = false;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (arg === '--no-grpc') {
      noGrpc = true;
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (!valueOptions.has(name)) {
      throw new UsageError(arg.startsWith('-') ? `unknown option ${name}` : `unexpected argument ${arg}`);
    }
    const value = eq > 0 ? arg.slice(eq + 1) : rest[++i];
    if (value === undefined || value === '') {
      throw new UsageError(`${name} needs a value`);
    }
    if (values.has(name as ValueOption)) {
      throw new UsageError(`${name} given twice`);
    }
    values.set(name as ValueOption, value);
  }
  const options: ReceiveOptions = {
    host: values.get('--host') ?? DEFAULT_HOST,
    httpPort: integerOption('--http-port', values.get('--http-port'), DEFAULT_PORT, 0, 65535),
    workspace: values.get('--workspace') ?? cwd,
    maxSpans: integerOption('--max-spans', values.get('--max-spans'), DEFAULT_MAX_SPANS, 1, Number.MAX_SAFE_INTEGER),
  };
  if (noGrpc && values.has('--grpc-port')) {
    throw new UsageError('--grpc-port and --no-grpc contradict each other');
  }
  const grpcPort = values.get('--grpc-port');
  if (grpcPort !== undefined) {
    options.grpcPort = integerOption('--grpc-port', grpcPort, DEFAULT_GRPC_PORT, 0, 65535);
  }
  if (noGrpc) {
    options.noGrpc = true;
  }
  const report = values.get('--report');
  if (report !== undefined) {
    options.report = report;
  }
  const decodeWorkers = values.get('--decode-workers');
  if (decodeWorkers !== undefined) {
    options.decodeWorkers = integerOption('--decode-workers', decodeWorkers, 1, 1, MAX_DECODE_WORKERS);
  }
  const origins = values.get('--cors-origin');
  if (origins !== undefined) {
    options.corsAllowedOrigins = corsOrigins(origins);
  }
  return { kind: 'receive', options };
}

/** `*`, or origins as browsers send them (`scheme://host[:port]`, no path): a typo would otherwise never match. */
function corsOrigins(value: string): string[] {
  const origins = value.split(',').map((origin) => origin.trim()).filter((origin) => origin !== '');
  for (const origin of origins) {
    if (origin !== '*' && !/^[a-z][a-z0-9+.-]*:\/\/[^/\s?#]+$/i.test(origin)) {
      throw new UsageError(`--cors-origin takes origins like http://localhost:5173 (no path), got ${JSON.stringify(origin)}`);
    }
  }
  if (origins.length === 0) {
    throw new UsageError('--cors-origin needs a value');
  }
  return origins;
}

function parseCheck(rest: readonly string[], cwd: string): CheckOptions {
  const paths: string[] = [];
  let format: CheckFormat | undefined;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (arg === '--') {
      paths.push(...rest.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-')) {
      paths.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (name !== '--format') {
      throw new UsageError(`unknown option ${name}`);
    }
    const value = eq > 0 ? arg.slice(eq + 1) : rest[++i];
    if (value === undefined || value === '') {
      throw new UsageError(`${name} needs a value`);
    }
    if (format !== undefined) {
      throw new UsageError(`${name} given twice`);
    }
    if (!(CHECK_FORMATS as readonly string[]).includes(value)) {
      throw new UsageError(`--format must be one of ${CHECK_FORMATS.join(', ')}, got ${JSON.stringify(value)}`);
    }
    format = value as CheckFormat;
  }
  return { paths: paths.length > 0 ? paths : ['.'], format: format ?? 'text', cwd };
}

function integerOption(name: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) {
    return fallback;
  }
  if (!/^\d+$/.test(value)) {
    throw new UsageError(`${name} must be a whole number, got ${JSON.stringify(value)}`);
  }
  const parsed = Number(value);
  if (parsed < min || parsed > max) {
    throw new UsageError(`${name} must be between ${min} and ${max}, got ${value}`);
  }
  return parsed;
}
