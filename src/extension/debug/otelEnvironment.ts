/**
 * The OTEL_* environment a debug session's program gets so its OpenTelemetry SDK exports to Span Lens: the receiver's
 * endpoint, OTLP/HTTP protobuf, a short batch delay (spans show up while you step), a service name, and a resource
 * attribute that ties its spans to the session. What the user set in the configuration (its `env`, or its `envFile`)
 * always wins. No vscode import: unit-tested.
 */
import { SESSION_RESOURCE_ATTRIBUTE } from '../../core/panel/protocol';

export type DebugEnv = Record<string, string | null | undefined>;

export interface InjectionInput {
  type: string;
  request: string;
  /** The configuration's `env`; a `null` value means the user unsets that variable, so it counts as set. */
  env?: DebugEnv;
  /** Variables from the configuration's `envFile` (already read): they count as set by the user too. */
  envFile?: Record<string, string>;
  /** The environment the program inherits (the editor's), only to keep existing OTEL_RESOURCE_ATTRIBUTES. */
  inheritedEnv?: Record<string, string | undefined>;
  /** `program` with variables substituted: a file, a directory, or a Go package path. */
  program?: string;
  /** Java: `com.example.OrderService`. */
  mainClass?: string;
  /** Python: `-m` module, `orders.server`. */
  module?: string;
  cwd?: string;
  name?: string;
  workspaceFolderName?: string;
  /** `http://127.0.0.1:4318`. */
  endpoint: string;
  sessionTag: string;
}

export interface InjectionResult {
  /** The configuration's `env` with the additions (undefined entries of the input dropped). */
  env: DebugEnv;
  /** Variable names Span Lens set, in a stable order. */
  injected: string[];
  /** Variables Span Lens would have set but the user's configuration already sets. */
  keptFromUser: string[];
  /** Set (and nothing injected) when the configuration cannot take an environment. */
  skippedReason?: string;
}

/** Debug types whose launch configuration takes an `env` object that reaches the program. */
const ENV_OBJECT_TYPES = new Set(['go', 'node', 'pwa-node', 'node-terminal', 'debugpy', 'python', 'java', 'coreclr', 'lldb']);

/** Types whose program runs in a browser or whose environment is not an `env` object. */
const UNSUPPORTED_TYPES: Record<string, string> = {
  chrome: 'it debugs a browser',
  'pwa-chrome': 'it debugs a browser',
  msedge: 'it debugs a browser',
  'pwa-msedge': 'it debugs a browser',
  cppdbg: 'its environment is an `environment` list, not `env`',
  cppvsdbg: 'its environment is an `environment` list, not `env`',
};

export const OTEL_VARS = {
  endpoint: 'OTEL_EXPORTER_OTLP_ENDPOINT',
  protocol: 'OTEL_EXPORTER_OTLP_PROTOCOL',
  exporter: 'OTEL_TRACES_EXPORTER',
  scheduleDelay: 'OTEL_BSP_SCHEDULE_DELAY',
  serviceName: 'OTEL_SERVICE_NAME',
  resourceAttributes: 'OTEL_RESOURCE_ATTRIBUTES',
} as const;

/** Batch export delay in ms: the SDKs default to 5 s, too slow to see spans between two steps. */
export const SCHEDULE_DELAY_MS = '200';

/**
 * A signal-specific variable the user set overrides the generic one in every SDK, so setting the generic one would
 * be pointless (or, for the protocol, mix an HTTP port with gRPC): it counts as the user's choice.
 */
const ALSO_SET_BY: Partial<Record<string, string>> = {
  [OTEL_VARS.endpoint]: 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
  [OTEL_VARS.protocol]: 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL',
};

export function otelEnvironment(input: InjectionInput): InjectionResult {
  const env = definedEntries(input.env);
  if (input.request !== 'launch') {
    return skipped(env, `the "${input.request}" request attaches to a running process, whose environment is already fixed`);
  }
  const unsupported = UNSUPPORTED_TYPES[input.type];
  if (unsupported !== undefined) {
    return skipped(env, `debug type "${input.type}" is not supported: ${unsupported}`);
  }
  if (!ENV_OBJECT_TYPES.has(input.type) && !isEnvObject(input.env)) {
    return skipped(env, `debug type "${input.type}" is unknown to Span Lens and its configuration has no \`env\``);
  }

  const setInConfig = (name: string): boolean => Object.hasOwn(env, name) || (input.envFile !== undefined && Object.hasOwn(input.envFile, name));
  const userSets = (name: string): boolean => {
    const other = ALSO_SET_BY[name];
    return setInConfig(name) || (other !== undefined && setInConfig(other));
  };
  const injected: string[] = [];
  const keptFromUser: string[] = [];
  const setUnlessUserDid = (name: string, value: () => string | undefined): void => {
    if (userSets(name)) {
      keptFromUser.push(name);
      return;
    }
    const resolved = value();
    if (resolved !== undefined) {
      env[name] = resolved;
      injected.push(name);
    }
  };

  setUnlessUserDid(OTEL_VARS.endpoint, () => input.endpoint);
  setUnlessUserDid(OTEL_VARS.protocol, () => 'http/protobuf');
  setUnlessUserDid(OTEL_VARS.exporter, () => 'otlp');
  setUnlessUserDid(OTEL_VARS.scheduleDelay, () => SCHEDULE_DELAY_MS);
  setUnlessUserDid(OTEL_VARS.serviceName, () => serviceNameFor(input));

  // The session attribute is always set (it is how the panel scopes to the session); the user's attributes stay.
  const existing = Object.hasOwn(env, OTEL_VARS.resourceAttributes) ? env[OTEL_VARS.resourceAttributes] : (input.envFile?.[OTEL_VARS.resourceAttributes] ?? input.inheritedEnv?.[OTEL_VARS.resourceAttributes]);
  env[OTEL_VARS.resourceAttributes] = withResourceAttribute(existing ?? undefined, SESSION_RESOURCE_ATTRIBUTE, input.sessionTag);
  injected.push(OTEL_VARS.resourceAttributes);

  return { env, injected, keptFromUser };
}

/** `127.0.0.1:4318` → `http://127.0.0.1:4318`; a wildcard bind is reached through loopback. */
export function endpointOf(address: string | undefined): string | undefined {
  if (address === undefined || address === '') {
    return undefined;
  }
  const url = /^https?:\/\//.test(address) ? address : `http://${address}`;
  return url.replace(/^(https?:\/\/)(0\.0\.0\.0|\[::\])(?=:|$)/, (_, scheme: string, host: string) => `${scheme}${host === '0.0.0.0' ? '127.0.0.1' : '[::1]'}`);
}

/**
 * `key=value` appended to a W3C-baggage-like OTEL_RESOURCE_ATTRIBUTES list; an earlier entry with the same key is
 * dropped (a copied configuration may carry a previous session's tag). The value is percent-encoded as the spec says.
 */
export function withResourceAttribute(existing: string | undefined, key: string, value: string): string {
  const kept = (existing ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '' && entry.split('=')[0].trim() !== key);
  kept.push(`${key}=${encodeURIComponent(value)}`);
  return kept.join(',');
}

/**
 * The service name a program most likely means: the program's own name, skipping names every project uses for
 * its entry point (`cmd/server/main.go`, `src/index.js` name nothing), then the Java main class, the Python module,
 * the working directory, the workspace folder, the configuration's name.
 */
export function serviceNameFor(input: Pick<InjectionInput, 'program' | 'mainClass' | 'module' | 'cwd' | 'workspaceFolderName' | 'name'>): string | undefined {
  const candidates = [
    input.program !== undefined ? meaningfulSegment(pathSegments(input.program), true) : undefined,
    input.mainClass !== undefined ? mainClassName(input.mainClass) : undefined,
    input.module !== undefined ? meaningfulSegment(input.module.split('.'), false) : undefined,
    input.cwd !== undefined ? lastNonEmpty(pathSegments(input.cwd)) : undefined,
    input.workspaceFolderName,
    input.name,
  ];
  return candidates.map((c) => c?.trim()).find((c): c is string => c !== undefined && c !== '');
}

/** Entry-point file and folder names that say nothing about which service it is. */
const GENERIC_NAMES = new Set(['main', 'index', 'app', 'server', '__main__', '__init__', 'cmd', 'src', 'bin', 'lib', 'dist', 'out', 'build', 'target']);

function pathSegments(path: string): string[] {
  return path.split(/[\\/]+/).filter((segment) => segment !== '' && segment !== '.' && segment !== '..');
}

/** The last segment that is not a generic name; a file's extension removed. Falls back to the last segment. */
function meaningfulSegment(segments: string[], lastMayBeFile: boolean): string | undefined {
  const names = segments.map((segment, index) => (lastMayBeFile && index === segments.length - 1 ? withoutExtension(segment) : segment));
  for (let index = names.length - 1; index >= 0; index--) {
    if (!GENERIC_NAMES.has(names[index].toLowerCase())) {
      return names[index];
    }
  }
  return names[names.length - 1];
}

/** `server.js` → `server`, `order.service.ts` → `order.service`; `.env` and names without a dot stay. */
function withoutExtension(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(0, dot) : name;
}

/** `com.example.OrderService` → `OrderService`; a single-file launch names the file (`/src/Hello.java` → `Hello`). */
function mainClassName(mainClass: string): string | undefined {
  return /[\\/]/.test(mainClass) ? meaningfulSegment(pathSegments(mainClass), true) : lastNonEmpty(mainClass.split('.'));
}

function lastNonEmpty(parts: string[]): string | undefined {
  return parts.filter((part) => part.trim() !== '').pop();
}

function definedEntries(env: DebugEnv | undefined): DebugEnv {
  const copy: DebugEnv = {};
  if (!isEnvObject(env)) {
    return copy;
  }
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined) {
      copy[key] = value;
    }
  }
  return copy;
}

function isEnvObject(env: unknown): env is DebugEnv {
  return typeof env === 'object' && env !== null && !Array.isArray(env);
}

function skipped(env: DebugEnv, reason: string): InjectionResult {
  return { env, injected: [], keptFromUser: [], skippedReason: reason };
}
