import type { TreeSitter } from '../source/treeSitter';
import { createGoFile, type GoFile, type GoPackageContext, type GoRule } from './goRule';
import { ALL_GO_RULES } from './rules';
import type { GoModuleInfo, StaticFinding } from './types';
import { singleFileContext } from './moduleFacts';

export interface GoAnalyzerOptions {
  /** The rules to run; all of them by default. */
  rules?: GoRule[];
}

/** Parses a Go file once and runs every rule over it. */
export class GoAnalyzer {
  private readonly rules: GoRule[];

  constructor(
    private readonly treeSitter: TreeSitter,
    options: GoAnalyzerOptions = {},
  ) {
    this.rules = options.rules ?? ALL_GO_RULES;
  }

  async analyze(file: string, text: string, module: GoModuleInfo, packageContext?: GoPackageContext): Promise<StaticFinding[]> {
    await this.treeSitter.load('go');
    return this.analyzeSync(file, text, module, packageContext);
  }

  /** Once `treeSitter.load('go')` has finished; throws before. */
  analyzeSync(file: string, text: string, module: GoModuleInfo, packageContext?: GoPackageContext): StaticFinding[] {
    return this.withGoFile(file, text, module, packageContext, (goFile) => {
      const findings: StaticFinding[] = [];
      for (const rule of this.rules) findings.push(...rule.check(goFile));
      return findings.sort((a, b) => a.start - b.start || a.end - b.end || a.code.localeCompare(b.code));
    });
  }

  /**
   * Runs `use` over the parsed file and frees the tree afterwards (nodes die with it, so nothing of the
   * tree may escape `use`). Undefined when the grammar is not loaded.
   */
  withGoFile<T>(file: string, text: string, module: GoModuleInfo, packageContext: GoPackageContext | undefined, use: (goFile: GoFile) => T): T {
    if (!this.treeSitter.language('go')) throw new Error('GoAnalyzer: the Go grammar is not loaded yet (await analyze() or treeSitter.load("go") first)');
    const tree = this.treeSitter.parse('go', text);
    if (!tree) throw new Error(`GoAnalyzer: could not parse ${file}`);
    try {
      return use(createGoFile(file, text, tree.rootNode, module, packageContext ?? singleFileContext(text)));
    } finally {
      tree.delete();
    }
  }
}
