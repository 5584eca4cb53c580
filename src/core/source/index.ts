export { readCodeAttributes, type CodeAttributes } from './codeAttributes';
export { spanStackTraces, userFrames, type StackFrame } from './stackTraces';
export { PathResolver, type PathMapping } from './pathResolver';
export { TreeSitter, type GrammarId } from './treeSitter';
export { grammarForFile, languagesOfSdk, type SourceLanguage } from './sourceLanguage';
export { SpanNameIndex, type SpanNameCandidate } from './spanNameIndex';
export { GoDeclarations, parseGoFunctionName, type GoDeclaration, type GoSymbol } from './goDeclarations';
export { WorkspaceIndex, type WorkspaceIndexChange, type WorkspaceIndexOptions } from './workspaceIndex';
export { SourceMapper, pickCandidate, serviceTokens } from './sourceMapper';
