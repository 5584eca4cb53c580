/** The "Span Lens" view in the Explorer: services, and under each the source lines its spans map to, with stats. */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LocationStatsSnapshot, SpanStore } from '../core/model';
import { Coalescer } from './coalescer';
import { formatAnnotation, formatCount, plural } from './format';
import { hoverMarkdown } from './hover';
import { escapeMarkdown } from './markdownText';

export const LOCATIONS_VIEW_ID = 'spanLens.locations';
const REFRESH_INTERVAL_MS = 500;

type Node = { kind: 'service'; service: string; locations: LocationStatsSnapshot[] } | { kind: 'location'; stats: LocationStatsSnapshot };

export class LocationsView implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private readonly refresh = new Coalescer(() => this.changeEmitter.fire(), REFRESH_INTERVAL_MS);
  private readonly view: vscode.TreeView<Node>;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly store: SpanStore) {
    this.view = vscode.window.createTreeView(LOCATIONS_VIEW_ID, { treeDataProvider: this, showCollapseAll: true });
    this.subscriptions.push(
      store.onDidChange((change) => {
        if (change.changedLocations.length > 0 || change.cleared || change.relocated) {
          this.refresh.schedule();
        }
      }),
    );
  }

  getChildren(node?: Node): Node[] {
    if (node?.kind === 'location') {
      return [];
    }
    if (node?.kind === 'service') {
      return node.locations.map((stats) => ({ kind: 'location', stats }));
    }
    const byService = new Map<string, LocationStatsSnapshot[]>();
    for (const stats of this.store.allStats()) {
      // A line shared by several services (a library) is listed under each of them.
      for (const service of stats.services) {
        let list = byService.get(service);
        if (!list) {
          list = [];
          byService.set(service, list);
        }
        list.push(stats);
      }
    }
    return [...byService.keys()].sort().map((service) => ({ kind: 'service', service, locations: byService.get(service) ?? [] }));
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.kind === 'service') {
      const item = new vscode.TreeItem(node.service, vscode.TreeItemCollapsibleState.Expanded);
      const spans = node.locations.reduce((sum, s) => sum + s.count, 0);
      const errors = node.locations.reduce((sum, s) => sum + s.errors, 0);
      item.description = `${plural(node.locations.length, 'line')} · ${formatCount(spans)} spans${errors > 0 ? ` · ${plural(errors, 'error')}` : ''}`;
      item.iconPath = new vscode.ThemeIcon('server-process');
      item.id = `service:${node.service}`;
      item.contextValue = 'spanLens.service';
      return item;
    }
    const { stats } = node;
    const uri = vscode.Uri.file(stats.location.file);
    const names = stats.spanNames;
    const item = new vscode.TreeItem(names.length > 1 ? `${names[0]} +${names.length - 1}` : (names[0] ?? '(unnamed)'));
    // The file name and line first: the width of the Explorer cuts the end off.
    item.description = `${path.basename(stats.location.file)}:${stats.location.line} · ${formatAnnotation(stats)}`;
    const tooltip = hoverMarkdown(stats, Date.now());
    tooltip.appendMarkdown(` · ${escapeMarkdown(vscode.workspace.asRelativePath(uri))}:${stats.location.line}`);
    item.tooltip = tooltip;
    item.resourceUri = uri;
    item.iconPath = stats.errors > 0 ? new vscode.ThemeIcon('error', new vscode.ThemeColor('spanLens.annotationErrorForeground')) : new vscode.ThemeIcon('pulse');
    item.command = {
      command: 'vscode.open',
      title: 'Open Source Line',
      arguments: [uri, { selection: new vscode.Range(stats.location.line - 1, 0, stats.location.line - 1, 0) } satisfies vscode.TextDocumentShowOptions],
    };
    item.contextValue = 'spanLens.location';
    return item;
  }

  /** Resolves once no refresh is pending. */
  whenIdle(): Promise<void> {
    return this.refresh.whenIdle();
  }

  dispose(): void {
    this.refresh.dispose();
    for (const subscription of this.subscriptions) {
      subscription.dispose();
    }
    this.view.dispose();
    this.changeEmitter.dispose();
  }
}
