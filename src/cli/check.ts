/**
 * `spanlens check [paths...] [--format text|json|sarif]`: the editor's static Go checks, headless (CI, pre-commit).
 * Exit 0 when clean, 1 with findings, 2 on bad usage (a path that does not exist).
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { ALL_GO_RULES, GoAnalyzer } from '../core/analysis';
import { TreeSitter } from '../core/source/treeSitter';
import type { CheckOptions } from './args';
import { formatJson, formatSarif, formatText, type RuleDescription } from './checkFormats';
import { GoChecker } from '../core/analysis/goChecker';
import { MissingPathError, listGoFiles } from '../core/analysis/goFiles';
import { packageVersion } from './version';

export interface CheckIo {
  /** One diagnostic line (no newline), to stderr. */
  log(line: string): void;
  writeStdout(text: string): Promise<void>;
}

/** The rules the checks run, as SARIF lists them. */
export function ruleDescriptions(): RuleDescription[] {
  return ALL_GO_RULES.map((rule) => ({ id: rule.id, code: rule.code, title: rule.title }));
}

/** dist/ when bundled (the grammars were copied to dist/grammars/); the packages' own files otherwise. */
function bundledGrammarDir(): string | undefined {
  return existsSync(path.join(__dirname, 'grammars', 'tree-sitter.wasm')) ? __dirname : undefined;
}

export async function runCheck(options: CheckOptions, io: CheckIo, grammarDir = bundledGrammarDir()): Promise<number> {
  const cwd = path.resolve(options.cwd);
  let files: string[];
  try {
    files = await listGoFiles(options.paths, cwd);
  } catch (error) {
    if (error instanceof MissingPathError) {
      io.log(`spanlens: ${error.message}`);
      return 2;
    }
    throw error;
  }
  const treeSitter = new TreeSitter(grammarDir);
  try {
    const checker = new GoChecker(new GoAnalyzer(treeSitter));
    const findings = await checker.check(files);
    switch (options.format) {
      case 'text':
        await io.writeStdout(formatText(findings, cwd));
        break;
      case 'json':
        await io.writeStdout(formatJson(findings, cwd));
        break;
      case 'sarif':
        await io.writeStdout(formatSarif(findings, ruleDescriptions(), cwd, packageVersion()));
        break;
    }
    const fileCount = new Set(findings.map((f) => f.file)).size;
    io.log(
      findings.length === 0
        ? `spanlens: checked ${files.length} Go files: no findings`
        : `spanlens: checked ${files.length} Go files: ${findings.length} finding${findings.length === 1 ? '' : 's'} in ${fileCount} file${fileCount === 1 ? '' : 's'}`,
    );
    return findings.length === 0 ? 0 : 1;
  } finally {
    treeSitter.dispose();
  }
}
