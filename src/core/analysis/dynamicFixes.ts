import type { Node } from 'web-tree-sitter';
import type { FindingKind } from '../propagation/findingTypes';
import type { GoFile } from './goRule';
import { IMPORT_CONTEXT, isPackageCall } from './goScope';
import { goroutineBackgroundFixes } from './rules/goroutineBackgroundContext';
import { detachArgumentFix, goCallArguments } from './rules/goroutineRequestContext';
import { uninstrumentedClientFix, uninstrumentedClientNodes } from './rules/httpUninstrumentedClient';
import { setPropagatorFix, setTracerProviderCalls } from './rules/noTextMapPropagator';
import type { Fix } from './types';

/** A context argument by its look: `ctx`, `reqCtx`, `r.Context()`, `c.Request.Context()`. */
const CONTEXT_IDENTIFIER = /^(?:ctx|\w*Ctx|\w*Context)$/;

/**
 * The quick fixes for a live finding blamed on `line` (1-based) of `file`, where the line matches a rule's
 * pattern. The live trace is the evidence, so these fire where the static rule alone would stay quiet
 * (e.g. `go s.loyalty(ctx, o)` whose ctx the rule cannot prove request-scoped).
 */
export function fixesForLiveFinding(kind: FindingKind, file: GoFile, line: number): Fix[] {
  switch (kind) {
    case 'uninstrumented-client':
      return uninstrumentedClientNodes(file)
        .filter((target) => onLine(file, target.node, line))
        .map((target) => uninstrumentedClientFix(file, target));
    case 'detached-async':
      return goStatementsOn(file, line).flatMap((goStatement) =>
        backgroundCalls(file, goStatement).flatMap((call) => goroutineBackgroundFixes(file, call, goStatement)),
      );
    case 'canceled-context':
      return goStatementsOn(file, line).flatMap((goStatement) =>
        goCallArguments(goStatement)
          .filter((argument) => looksLikeContext(file, argument))
          .map((argument) => detachArgumentFix(file, argument)),
      );
    case 'disconnected-server':
      // No propagator anywhere in the module: the server cannot continue its callers' traces.
      if (file.package.moduleCallsSetTextMapPropagator) return [];
      return setTracerProviderCalls(file).flatMap((call) => setPropagatorFix(file, call) ?? []);
    default:
      return [];
  }
}

function onLine(file: GoFile, node: Node, line: number): boolean {
  return file.lineColumn(node.startIndex).line === line;
}

function goStatementsOn(file: GoFile, line: number): Node[] {
  return file.nodes('go_statement').filter((statement) => onLine(file, statement, line));
}

function backgroundCalls(file: GoFile, goStatement: Node): Node[] {
  return goStatement
    .descendantsOfType('call_expression')
    .filter((call): call is Node => call !== null && isPackageCall(file, call, IMPORT_CONTEXT, ['Background', 'TODO']));
}

/** A context the goroutine is handed as is (not already detached by context.WithoutCancel or the like). */
function looksLikeContext(file: GoFile, argument: Node): boolean {
  if (argument.type === 'identifier') return CONTEXT_IDENTIFIER.test(argument.text);
  if (argument.type !== 'call_expression') return false;
  if (isPackageCall(file, argument, IMPORT_CONTEXT, ['WithoutCancel', 'Background', 'TODO'])) return false;
  const fn = argument.childForFieldName('function');
  return fn?.type === 'selector_expression' && fn.childForFieldName('field')?.text === 'Context' && (argument.childForFieldName('arguments')?.namedChildren.length ?? 0) === 0;
}
