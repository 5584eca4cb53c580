import type { Resource, SourceLocation, Span, SpanLocator } from '../model/span';
import type { Disposable } from '../util/emitter';
import { readCodeAttributes, type CodeAttributes } from './codeAttributes';
import { languagesOfSdk } from './sourceLanguage';
import type { SpanNameCandidate } from './spanNameIndex';
import { spanStackTraces, userFrames } from './stackTraces';
import type { WorkspaceIndex } from './workspaceIndex';

/** Words in service names that say nothing about where the code lives. */
const GENERIC_SERVICE_WORDS = new Set(['service', 'services', 'svc', 'srv', 'server', 'api', 'app', 'daemon']);
const MAX_CACHED = 50_000;
/** Lines and columns as one number: exact while columns stay below it (and lines below 2^53 / it). */
const COLUMN_FACTOR = 1_000_000;
/**
 * Instrumentation libraries' tracers (otelhttp, otelgin, @opentelemetry/instrumentation-*, the Java agent...):
 * their spans are started inside the library, so a literal of the same name in user code is a coincidence.
 */
const LIBRARY_SCOPE = /^(?:go\.opentelemetry\.io\/contrib\/|@opentelemetry\/instrumentation|opentelemetry\.instrumentation\.|io\.opentelemetry\.)/;

/** Name and function-name answers for the spans of one Resource object (one batch's, in practice). */
interface ResourceCache {
  resource: Resource;
  byName: Map<string, SourceLocation | null>;
  byFunction: Map<string, SourceLocation | null>;
}

/**
 * Span -> the line that produced it, most reliable evidence first: `code.*` attributes, a stack trace, the span
 * name's call site, `code.function.name` as a Go declaration. `locate` runs per received span: everything
 * derived from the workspace is cached and the caches are dropped whenever the index changes.
 */
export class SourceMapper implements SpanLocator, Disposable {
  /** (service, sdk language, span name) or (service, function name) -> location; null = nothing fits. */
  private readonly cache = new Map<string, SourceLocation | null>();
  private recent: ResourceCache | undefined;
  /** Resolved file -> `code.*` location by line (negative) or line and column. */
  private readonly codeLocations = new Map<string, Map<number, SourceLocation>>();
  private readonly subscription: Disposable;

  constructor(private readonly index: WorkspaceIndex) {
    this.subscription = index.onDidChange(() => this.forget());
  }

  locate(span: Span): SourceLocation | undefined {
    const code = readCodeAttributes(span.attributes);
    return (
      this.fromCodeAttributes(code) ??
      this.fromStackTraces(span) ??
      this.fromSpanName(span) ??
      this.fromFunctionName(span, code)
    );
  }

  dispose(): void {
    this.subscription.dispose();
    this.forget();
  }

  private forget(): void {
    this.cache.clear();
    this.codeLocations.clear();
    this.recent = undefined;
  }

  private fromCodeAttributes(code: CodeAttributes): SourceLocation | undefined {
    if (code.filePath === undefined || code.line === undefined) return undefined;
    const file = this.index.resolver.resolve(code.filePath);
    if (!file) return undefined;
    if (code.column !== undefined && code.column >= COLUMN_FACTOR) return { file, line: code.line, column: code.column, via: 'code-attributes' };
    // One object per line (and column) of a file, shared like the other strategies' cached answers: a service sends
    // the same few `code.*` lines over and over.
    let lines = this.codeLocations.get(file);
    if (!lines) {
      if (this.codeLocations.size >= MAX_CACHED) this.codeLocations.clear();
      this.codeLocations.set(file, (lines = new Map()));
    }
    const key = code.column === undefined ? -code.line : code.line * COLUMN_FACTOR + code.column;
    let location = lines.get(key);
    if (!location) {
      location = { file, line: code.line, via: 'code-attributes' };
      if (code.column !== undefined) location.column = code.column;
      if (lines.size < MAX_CACHED) lines.set(key, location);
    }
    return location;
  }

  private fromStackTraces(span: Span): SourceLocation | undefined {
    const traces = spanStackTraces(span);
    for (let i = 0; i < traces.length; i++) {
      for (const frame of userFrames(traces[i])) {
        const file = this.index.resolver.resolve(frame.file);
        if (!file) continue;
        const location: SourceLocation = { file, line: frame.line, via: 'stacktrace' };
        if (frame.column !== undefined) location.column = frame.column;
        return location;
      }
    }
    return undefined;
  }

  private fromSpanName(span: Span): SourceLocation | undefined {
    if (LIBRARY_SCOPE.test(span.scope.name)) return undefined;
    const batch = this.batchCache(span.resource);
    const hit = batch.byName.get(span.name);
    if (hit !== undefined) return hit ?? undefined;
    const sdkLanguage = sdkLanguageOf(span);
    const key = `name\0${span.resource.serviceName}\0${sdkLanguage ?? ''}\0${span.name}`;
    return this.cached(key, batch.byName, span.name, () => {
      const candidate = pickCandidate(this.index.spanNames.lookup(span.name), span.resource.serviceName, sdkLanguage);
      return candidate && { file: candidate.file, line: candidate.line, column: candidate.column, via: 'span-name' };
    });
  }

  private fromFunctionName(span: Span, code: CodeAttributes): SourceLocation | undefined {
    const functionName = code.functionName;
    if (functionName === undefined) return undefined;
    const sdkLanguage = sdkLanguageOf(span);
    // Go symbols only: a Java or Python qualified name would be misread as a Go package path.
    if (sdkLanguage !== undefined && sdkLanguage.toLowerCase() !== 'go') return undefined;
    const service = span.resource.serviceName;
    const batch = this.batchCache(span.resource);
    const hit = batch.byFunction.get(functionName);
    if (hit !== undefined) return hit ?? undefined;
    return this.cached(`func\0${service}\0${functionName}`, batch.byFunction, functionName, () => {
      const declaration = this.index.goDeclarations.find(functionName, serviceTokens(service));
      return declaration && { ...declaration, via: 'function-name' };
    });
  }

  /** Also remembers the answer in the current resource's `batchMap` under `batchKey`. */
  private cached(
    key: string,
    batchMap: Map<string, SourceLocation | null>,
    batchKey: string,
    compute: () => SourceLocation | undefined,
  ): SourceLocation | undefined {
    let location = this.cache.get(key);
    if (location === undefined) {
      location = compute() ?? null;
      if (this.cache.size >= MAX_CACHED) this.cache.clear();
      this.cache.set(key, location);
    }
    if (batchMap.size < MAX_CACHED) batchMap.set(batchKey, location);
    return location ?? undefined;
  }

  /**
   * Answers for the spans of the resource seen last. A batch's spans share one Resource object, so most spans
   * are answered by their name alone, without building the service/language/name key string.
   */
  private batchCache(resource: Resource): ResourceCache {
    if (this.recent?.resource !== resource) this.recent = { resource, byName: new Map(), byFunction: new Map() };
    return this.recent;
  }
}

function sdkLanguageOf(span: Span): string | undefined {
  const value = span.resource.attributes['telemetry.sdk.language'];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** `order-service` -> ['order']; `inventory_api` -> ['inventory']. */
export function serviceTokens(serviceName: string): string[] {
  return serviceName
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((t) => t.length > 1 && !GENERIC_SERVICE_WORDS.has(t));
}

/**
 * Several calls start spans of the same name (every service has its "process"): keep those in the language of
 * the span's SDK, prefer those whose path names the service, then the first in (file, line) order.
 */
export function pickCandidate(
  candidates: readonly SpanNameCandidate[],
  serviceName: string,
  sdkLanguage: string | undefined,
): SpanNameCandidate | undefined {
  const languages = languagesOfSdk(sdkLanguage);
  const eligible = languages ? candidates.filter((c) => languages.includes(c.language)) : candidates;
  if (eligible.length <= 1) return eligible[0];
  const fullName = serviceName.toLowerCase();
  const tokens = serviceTokens(serviceName);
  let best = eligible[0];
  let bestScore = -1;
  for (const candidate of eligible) {
    const file = candidate.file.toLowerCase().replace(/\\/g, '/');
    let score = file.includes(fullName) ? tokens.length + 1 : 0;
    for (const token of tokens) if (file.includes(token)) score++;
    // Strictly greater: on ties the earlier candidate in index order stays.
    if (score > bestScore) {
      best = candidate;
      bestScore = score;
    }
  }
  return best;
}
