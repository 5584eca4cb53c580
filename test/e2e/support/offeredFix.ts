/**
 * The quick fixes the editor's light bulb offers on a line blamed by a live finding, computed by the same code the
 * editor runs (src/extension/analysis/staticCodeActions.ts) minus vscode: the static findings of the file's text with
 * their fixes (GoChecker over GoAnalyzer, with the module's go.mod and cross-file facts), and `fixesForLiveFinding`
 * over the same text and context.
 */
import { readFileSync } from 'node:fs';
import { fixesForLiveFinding, GoAnalyzer } from '../../../src/core/analysis';
import type { Fix } from '../../../src/core/analysis/types';
import type { CheckedFinding } from '../../../src/cli/checkFormats';
import { GoChecker } from '../../../src/core/analysis/goChecker';
import type { FindingKind } from '../../../src/core/propagation';
import { TreeSitter } from '../../../src/core/source/treeSitter';

export interface OfferedFixes {
  text: string;
  /** Every static finding of the file (the editor shows them as well). */
  staticFindings: CheckedFinding[];
  /** The fixes attached to the live finding's diagnostic. */
  live: Fix[];
  /** The fixes of static findings on the blamed line. */
  staticOnLine: Fix[];
  /** What a user takes: the live finding's preferred fix, else the preferred fix of a static finding on that line. */
  chosen: { fix: Fix; from: 'live finding' | 'static finding' } | undefined;
}

/** One analyzer for the test run: the grammar loads once. */
let shared: { treeSitter: TreeSitter; analyzer: GoAnalyzer } | undefined;
function analysis(): { treeSitter: TreeSitter; analyzer: GoAnalyzer } {
  if (!shared) {
    const treeSitter = new TreeSitter();
    shared = { treeSitter, analyzer: new GoAnalyzer(treeSitter) };
  }
  return shared;
}

/** Static findings of a file as it is on disk, with its module's context (a fresh checker: nothing cached). */
export async function staticFindingsOf(file: string): Promise<CheckedFinding[]> {
  return new GoChecker(analysis().analyzer).checkText(file, readFileSync(file, 'utf8'));
}

/** file: absolute path of a Go file on disk; line: 1-based, as the live finding names it. */
export async function offeredFixes(file: string, kind: FindingKind, line: number): Promise<OfferedFixes> {
  const { treeSitter, analyzer } = analysis();
  const checker = new GoChecker(analyzer);
  const text = readFileSync(file, 'utf8');
  const staticFindings = await checker.checkText(file, text);
  const { module, facts } = await checker.contextOf(file);
  await treeSitter.load('go');
  const live = analyzer.withGoFile(file, text, module.info, facts, (goFile) => fixesForLiveFinding(kind, goFile, line));
  const staticOnLine = staticFindings.filter((f) => f.line === line).flatMap((f) => f.fixes);
  const liveChoice = live.find((fix) => fix.preferred) ?? live[0];
  const staticChoice = staticOnLine.find((fix) => fix.preferred);
  const chosen = liveChoice
    ? { fix: liveChoice, from: 'live finding' as const }
    : staticChoice
      ? { fix: staticChoice, from: 'static finding' as const }
      : undefined;
  return { text, staticFindings, live, staticOnLine, chosen };
}
