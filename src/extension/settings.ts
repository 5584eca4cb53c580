/** The one typed accessor for Span Lens settings; everything else reads configuration through here. */
import * as vscode from 'vscode';
import { parseSettings, SpanLensSettings } from './settingsValues';

export type { AnnotationFormat, PathMapping, SpanLensSettings } from './settingsValues';

export const SECTION = 'spanLens';

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
  return parseSettings((key) => config.get(key));
}
