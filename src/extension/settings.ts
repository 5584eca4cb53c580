/** The one typed accessor for Span Lens settings; everything else reads configuration through here. */
import * as vscode from 'vscode';

export const SECTION = 'spanLens';

export interface PathMapping {
  /** A path prefix as telemetry reports it (the build machine's, e.g. `/app`). */
  from: string;
  /** The local path it stands for; relative paths resolve against the first workspace folder. */
  to: string;
}

export type AnnotationFormat = 'full' | 'compact';

export interface SpanLensSettings {
  receiver: { enabled: boolean; host: string; httpPort: number; maxBodyBytes: number };
  store: { maxSpans: number };
  annotations: { enabled: boolean; format: AnnotationFormat };
  pathMappings: PathMapping[];
  index: { exclude: string[] };
}

export const DEFAULT_SETTINGS: SpanLensSettings = {
  receiver: { enabled: true, host: '127.0.0.1', httpPort: 4318, maxBodyBytes: 32 * 1024 * 1024 },
  store: { maxSpans: 100_000 },
  annotations: { enabled: true, format: 'full' },
  pathMappings: [],
  // The index always skips hidden directories, node_modules, vendor, dist, out, build and testdata.
  index: { exclude: [] },
};

export interface SettingsChange {
  previous: SpanLensSettings;
  current: SpanLensSettings;
  /** True when the setting (e.g. `receiver` or `receiver.httpPort`, relative to `spanLens`) changed. */
  affects(section: string): boolean;
}

/** Reads settings once per change and hands out a typed, validated snapshot. */
export class Settings implements vscode.Disposable {
  private snapshot: SpanLensSettings;
  private readonly changeEmitter = new vscode.EventEmitter<SettingsChange>();
  private readonly subscription: vscode.Disposable;
  readonly onDidChange = this.changeEmitter.event;

  constructor() {
    this.snapshot = readSettings();
    this.subscription = vscode.workspace.onDidChangeConfiguration((event) => {
      if (!event.affectsConfiguration(SECTION)) {
        return;
      }
      const previous = this.snapshot;
      this.snapshot = readSettings();
      this.changeEmitter.fire({
        previous,
        current: this.snapshot,
        affects: (section) => event.affectsConfiguration(`${SECTION}.${section}`),
      });
    });
  }

  get current(): SpanLensSettings {
    return this.snapshot;
  }

  /**
   * Writes one setting. Where a workspace value exists it is the one in effect, so it is the one changed; otherwise
   * `preferred` decides (a port is per project: another window may hold the default; a display toggle is personal).
   */
  async update(section: string, value: unknown, preferred: 'workspace' | 'global'): Promise<void> {
    const config = vscode.workspace.getConfiguration(SECTION);
    const hasWorkspace = (vscode.workspace.workspaceFolders?.length ?? 0) > 0;
    const inWorkspace = hasWorkspace && (config.inspect(section)?.workspaceValue !== undefined || preferred === 'workspace');
    await config.update(section, value, inWorkspace ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global);
  }

  dispose(): void {
    this.subscription.dispose();
    this.changeEmitter.dispose();
  }
}

export function readSettings(): SpanLensSettings {
  const config = vscode.workspace.getConfiguration(SECTION);
  const d = DEFAULT_SETTINGS;
  return {
    receiver: {
      enabled: bool(config.get('receiver.enabled'), d.receiver.enabled),
      host: nonEmptyString(config.get('receiver.host'), d.receiver.host),
      httpPort: integer(config.get('receiver.httpPort'), d.receiver.httpPort, 0, 65535),
      maxBodyBytes: integer(config.get('receiver.maxBodyBytes'), d.receiver.maxBodyBytes, 1024, Number.MAX_SAFE_INTEGER),
    },
    store: { maxSpans: integer(config.get('store.maxSpans'), d.store.maxSpans, 100, Number.MAX_SAFE_INTEGER) },
    annotations: {
      enabled: bool(config.get('annotations.enabled'), d.annotations.enabled),
      format: config.get('annotations.format') === 'compact' ? 'compact' : 'full',
    },
    pathMappings: pathMappings(config.get('pathMappings')),
    index: { exclude: stringArray(config.get('index.exclude'), d.index.exclude) },
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
