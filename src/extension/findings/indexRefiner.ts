/**
 * The Go blame refiner over whichever index the editor holds now (the indexer replaces it on a rebuild). It reads an
 * open editor's text before the disk, as the index does: the blamed statement is found in what the user sees.
 */
import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import type { SourceLocation } from '../../core/model';
import { BlameRefiner, FindingKind, GoBlameRefiner } from '../../core/propagation';
import type { WorkspaceIndex } from '../../core/source';

export function indexRefiner(currentIndex: () => WorkspaceIndex | undefined): BlameRefiner {
  let cached: { index: WorkspaceIndex; refiner: BlameRefiner } | undefined;
  return {
    refine(kind: FindingKind, spanLocation: SourceLocation, context: { service: string }): SourceLocation | undefined {
      const index = currentIndex();
      if (!index) {
        return undefined;
      }
      if (cached?.index !== index) {
        cached = { index, refiner: new GoBlameRefiner(index, editorOrDiskText) };
      }
      return cached.refiner.refine(kind, spanLocation, context);
    },
  };
}

function editorOrDiskText(file: string): string | undefined {
  const open = vscode.workspace.textDocuments.find((document) => document.uri.scheme === 'file' && document.uri.fsPath === file);
  if (open) {
    return open.getText();
  }
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
