import type { AttributeValue, Attributes } from '../model/span';

/** What a span says about its own source, whichever semconv generation the SDK speaks. */
export interface CodeAttributes {
  /** As sent: the build machine's path, possibly relative, possibly with backslashes. */
  filePath?: string;
  /** 1-based, as telemetry gives it. */
  line?: number;
  column?: number;
  /** Fully qualified where the telemetry allows it (old `code.namespace` + `code.function` are joined). */
  functionName?: string;
}

/**
 * Stable keys (semconv 1.33+) first: an SDK in transition may send both, and the stable one is the newer truth.
 * Each key is read by name at its own site rather than from a list in a loop: this runs for every received span, and
 * a fixed name lets V8's inline caches answer the lookups (attributes of one kind of span share a shape).
 */
export function readCodeAttributes(attributes: Attributes): CodeAttributes {
  const result: CodeAttributes = {};
  const filePath = asString(attributes['code.file.path']) ?? asString(attributes['code.filepath']);
  if (filePath !== undefined) result.filePath = filePath;
  const line = asPositiveInteger(attributes['code.line.number']) ?? asPositiveInteger(attributes['code.lineno']);
  if (line !== undefined) result.line = line;
  const column = asPositiveInteger(attributes['code.column.number']) ?? asPositiveInteger(attributes['code.column']);
  if (column !== undefined) result.column = column;
  const functionName = readFunctionName(attributes);
  if (functionName !== undefined) result.functionName = functionName;
  return result;
}

function readFunctionName(attributes: Attributes): string | undefined {
  const stable = asString(attributes['code.function.name']);
  if (stable !== undefined) return stable;
  const fn = asString(attributes['code.function']);
  if (fn === undefined) return undefined;
  const namespace = asString(attributes['code.namespace']);
  if (namespace === undefined || fn.startsWith(`${namespace}.`)) return fn;
  return `${namespace}.${fn}`;
}

function asString(value: AttributeValue | undefined): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

/** JSON exporters send 64-bit ints as strings; a line 0 or a fraction is not a line. */
function asPositiveInteger(value: AttributeValue | undefined): number | undefined {
  let n: number;
  if (typeof value === 'number') n = value;
  else if (typeof value === 'string' && /^\s*\d+\s*$/.test(value)) n = Number(value);
  else return undefined;
  return Number.isSafeInteger(n) && n >= 1 ? n : undefined;
}
