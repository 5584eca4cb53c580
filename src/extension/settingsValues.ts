/** Settings as typed values, parsed from raw configuration. No vscode import: unit-tested against package.json. */

export interface PathMapping {
  /** A path prefix as telemetry reports it (the build machine's, e.g. `/app`). */
  from: string;
  /** The local path it stands for: absolute, relative to a workspace folder, or with `${workspaceFolder}`. */
  to: string;
}

export type AnnotationFormat = 'full' | 'compact';

export interface SpanLensSettings {
  receiver: {
    enabled: boolean;
    host: string;
    httpPort: number;
    /** OTLP/gRPC port; `grpcEnabled` false runs HTTP only. */
    grpcEnabled: boolean;
    grpcPort: number;
    maxBodyBytes: number;
    /** Browser origins allowed to send spans over OTLP/HTTP (CORS); empty: none. `*` allows any. */
    corsAllowedOrigins: string[];
    /** When non-empty, requests must carry it (`Authorization: Bearer <key>` or `x-api-key: <key>`). */
    apiKey: string;
  };
  store: { maxSpans: number };
  annotations: { enabled: boolean; format: AnnotationFormat };
  pathMappings: PathMapping[];
  index: { exclude: string[] };
  findings: { enabled: boolean; graceSeconds: number };
  checks: { enabled: boolean };
  debug: { injectEnvironment: boolean };
  panel: { openOnDebugStart: boolean };
}

export const DEFAULT_SETTINGS: SpanLensSettings = {
  receiver: {
    enabled: true,
    host: '127.0.0.1',
    httpPort: 4318,
    grpcEnabled: true,
    grpcPort: 4317,
    maxBodyBytes: 32 * 1024 * 1024,
    corsAllowedOrigins: [],
    apiKey: '',
  },
  store: { maxSpans: 100_000 },
  annotations: { enabled: true, format: 'full' },
  pathMappings: [],
  // The index always skips hidden directories, node_modules, vendor, dist, out, build and testdata.
  index: { exclude: [] },
  findings: { enabled: true, graceSeconds: 5 },
  checks: { enabled: true },
  debug: { injectEnvironment: true },
  panel: { openOnDebugStart: true },
};

/** Reads one key under `spanLens.` (e.g. `receiver.httpPort`); undefined when unset. */
export type ConfigurationReader = (key: string) => unknown;

export function parseSettings(get: ConfigurationReader): SpanLensSettings {
  const d = DEFAULT_SETTINGS;
  return {
    receiver: {
      enabled: bool(get('receiver.enabled'), d.receiver.enabled),
      host: nonEmptyString(get('receiver.host'), d.receiver.host),
      httpPort: integer(get('receiver.httpPort'), d.receiver.httpPort, 0, 65535),
      grpcEnabled: bool(get('receiver.grpcEnabled'), d.receiver.grpcEnabled),
      grpcPort: integer(get('receiver.grpcPort'), d.receiver.grpcPort, 0, 65535),
      maxBodyBytes: integer(get('receiver.maxBodyBytes'), d.receiver.maxBodyBytes, 1024, Number.MAX_SAFE_INTEGER),
      corsAllowedOrigins: stringArray(get('receiver.corsAllowedOrigins'), d.receiver.corsAllowedOrigins),
      apiKey: typeof get('receiver.apiKey') === 'string' ? (get('receiver.apiKey') as string).trim() : d.receiver.apiKey,
    },
    store: { maxSpans: integer(get('store.maxSpans'), d.store.maxSpans, 100, Number.MAX_SAFE_INTEGER) },
    annotations: {
      enabled: bool(get('annotations.enabled'), d.annotations.enabled),
      format: get('annotations.format') === 'compact' ? 'compact' : 'full',
    },
    pathMappings: pathMappings(get('pathMappings')),
    index: { exclude: stringArray(get('index.exclude'), d.index.exclude) },
    findings: {
      enabled: bool(get('findings.enabled'), d.findings.enabled),
      graceSeconds: finite(get('findings.graceSeconds'), d.findings.graceSeconds, 0, 600),
    },
    checks: { enabled: bool(get('checks.enabled'), d.checks.enabled) },
    debug: { injectEnvironment: bool(get('debug.injectEnvironment'), d.debug.injectEnvironment) },
    panel: { openOnDebugStart: bool(get('panel.openOnDebugStart'), d.panel.openOnDebugStart) },
  };
}

// Settings JSON is hand-edited: anything of the wrong type falls back to the default instead of breaking activation.

function bool(value: unknown, fallback: boolean): boolean {
  return typeof value === 'boolean' ? value : fallback;
}

function nonEmptyString(value: unknown, fallback: string): string {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : fallback;
}

function integer(value: unknown, fallback: number, min: number, max: number): number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max ? value : fallback;
}

function finite(value: unknown, fallback: number, min: number, max: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max ? value : fallback;
}

function stringArray(value: unknown, fallback: string[]): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string' && item !== '') : fallback;
}

function pathMappings(value: unknown): PathMapping[] {
  if (!Array.isArray(value)) {
    return [];
  }
  return value.flatMap((item: unknown) => {
    const entry = item as Partial<PathMapping> | null;
    return entry && typeof entry.from === 'string' && typeof entry.to === 'string' && entry.from !== '' && entry.to !== ''
      ? [{ from: entry.from, to: entry.to }]
      : [];
  });
}
