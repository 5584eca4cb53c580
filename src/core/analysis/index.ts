export type { CheckedFinding, Fix, GoModuleInfo, StaticFinding, TextEdit } from './types';
export { GoAnalyzer, type GoAnalyzerOptions } from './goAnalyzer';
export { createGoFile, defaultImportName, type GoFile, type GoPackageContext, type GoRule, type ImportSpecInfo, type LineColumn } from './goRule';
export { ensureImport, ensureImports, type ImportRequest } from './goImports';
export { applyEdits } from './goEdits';
export {
  findGoModuleRoot,
  listModuleGoFiles,
  moduleFacts,
  moduleFactsForRoot,
  parseGoMod,
  readGoModuleInfo,
  singleFileContext,
} from './moduleFacts';
export { ALL_GO_RULES } from './rules';
export { fixesForLiveFinding } from './dynamicFixes';
export { contextSourcesInScope, preferredContextSource, type ContextSource } from './goScope';
export { GoChecker, overlaySources, type SourceProvider } from './goChecker';
export { listGoFiles } from './goFiles';
export { staticCheckDocsUrl, staticCheckHeading, STATIC_CHECKS_DOC } from './checkDocs';
