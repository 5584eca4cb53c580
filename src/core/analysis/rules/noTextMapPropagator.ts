import type { Node } from 'web-tree-sitter';
import { enclosingStatement, insertLineAfter } from '../goEdits';
import { ensureImports } from '../goImports';
import type { GoFile, GoRule } from '../goRule';
import { IMPORT_OTEL, IMPORT_PROPAGATION, isPackageCall } from '../goScope';
import type { Fix, StaticFinding } from '../types';

/**
 * SL213: the module installs a tracer provider but never a text map propagator: the global one stays the
 * no-op, so instrumented clients inject no traceparent and servers extract none.
 */
export const noTextMapPropagator: GoRule = {
  id: 'go/no-text-map-propagator',
  code: 'SL213',
  title: 'Tracer provider set without a text map propagator',
  check(file: GoFile): StaticFinding[] {
    const context = file.package;
    if (!context.wholeModule || context.moduleCallsSetTextMapPropagator) return [];
    return setTracerProviderCalls(file).flatMap((call) => {
      const fix = setPropagatorFix(file, call);
      return fix
        ? [file.finding(this, call, 'The module sets a tracer provider but never otel.SetTextMapPropagator, so no trace context crosses process boundaries.', [fix])]
        : [];
    });
  },
};

export function setTracerProviderCalls(file: GoFile): Node[] {
  if (!file.imports.has(IMPORT_OTEL)) return [];
  return file.nodes('call_expression').filter((call) => isPackageCall(file, call, IMPORT_OTEL, ['SetTracerProvider']));
}

/** `otel.SetTextMapPropagator(W3C trace context + baggage)` on the line after the SetTracerProvider statement. */
export function setPropagatorFix(file: GoFile, setTracerProviderCall: Node): Fix | undefined {
  const statement = enclosingStatement(setTracerProviderCall);
  if (statement?.type !== 'expression_statement') return undefined;
  const { names, edits } = ensureImports(file, [{ path: IMPORT_OTEL }, { path: IMPORT_PROPAGATION }]);
  const [otelName, propagationName] = names;
  const line = `${otelName}.SetTextMapPropagator(${propagationName}.NewCompositeTextMapPropagator(${propagationName}.TraceContext{}, ${propagationName}.Baggage{}))`;
  return {
    title: 'Set the W3C trace-context and baggage propagator after the tracer provider',
    preferred: true,
    edits: [...edits, insertLineAfter(file.text, statement, line)],
  };
}
