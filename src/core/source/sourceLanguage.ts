import * as path from 'path';
import type { GrammarId } from './treeSitter';

/** Languages whose span-starting calls we index (TSX is TypeScript to everyone but the parser). */
export type SourceLanguage = 'go' | 'javascript' | 'typescript' | 'python' | 'java';

const GRAMMAR_BY_EXTENSION: Record<string, GrammarId> = {
  '.go': 'go',
  '.js': 'javascript',
  '.mjs': 'javascript',
  '.cjs': 'javascript',
  '.jsx': 'javascript',
  '.ts': 'typescript',
  '.mts': 'typescript',
  '.cts': 'typescript',
  '.tsx': 'tsx',
  '.py': 'python',
  '.java': 'java',
};

export function grammarForFile(file: string): GrammarId | undefined {
  if (file.endsWith('.d.ts')) return undefined;
  return GRAMMAR_BY_EXTENSION[path.extname(file).toLowerCase()];
}

export function languageOfGrammar(grammar: GrammarId): SourceLanguage {
  return grammar === 'tsx' ? 'typescript' : grammar;
}

/** `telemetry.sdk.language` values (semconv) -> the source languages such an SDK runs. */
export function languagesOfSdk(sdkLanguage: string | undefined): SourceLanguage[] | undefined {
  switch (sdkLanguage?.toLowerCase()) {
    case 'go':
      return ['go'];
    case 'nodejs':
    case 'webjs':
      return ['javascript', 'typescript'];
    case 'python':
      return ['python'];
    case 'java':
      return ['java'];
    default:
      return undefined;
  }
}
