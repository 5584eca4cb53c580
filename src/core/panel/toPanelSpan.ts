/**
 * Turns stored spans and propagation findings into what the trace panel shows: flat, text-only, bounded in size.
 * Pure (no vscode): the host converts, the webview only displays.
 */
import type { AttributeValue, Attributes, SourceLocation, Span } from '../model/span';
import type { Finding } from '../propagation/findingTypes';
import { PanelBrokenLink, PanelSource, PanelSpan, PanelTransport, SESSION_RESOURCE_ATTRIBUTE } from './protocol';

/** Longest attribute value (or name) sent to the panel; longer ones end in '…'. */
export const MAX_VALUE_CHARS = 4096;

/** Span kinds that talk to another process (OTLP numbering: server, client, producer, consumer). */
const REMOTE_KINDS = new Set([2, 3, 4, 5]);

/** Attribute names that say how a span talks to another service, current semconv names and the older ones. */
const GRPC_KEYS = ['rpc.system', 'rpc.system.name'];
const MESSAGING_KEYS = ['messaging.system'];
const DB_KEYS = ['db.system.name', 'db.system'];
const HTTP_KEYS = ['http.request.method', 'http.method', 'url.full', 'http.url', 'http.route'];

export function toPanelSpan(
  span: Span,
  locate: (s: Span) => SourceLocation | undefined,
  relativePath: (file: string) => string,
): PanelSpan {
  const panelSpan: PanelSpan = {
    traceId: span.traceId,
    spanId: span.spanId,
    parentSpanId: span.parentSpanId,
    name: truncate(span.name),
    service: truncate(span.resource.serviceName),
    kind: span.kind,
    startUnixMs: span.startTimeUnixMs,
    durationMs: span.durationMs,
    status: span.status.code,
    statusMessage: truncate(span.status.message),
    transport: transportOf(span),
    attributes: attributeList(span.attributes),
    events: span.events.map((event) => ({
      name: truncate(event.name),
      offsetMs: event.timeUnixMs - span.startTimeUnixMs,
      attributes: attributeList(event.attributes),
    })),
    links: span.links.map((link) => ({ traceId: link.traceId, spanId: link.spanId, attributes: attributeList(link.attributes) })),
  };
  const source = sourceOf(span, locate, relativePath);
  if (source) {
    panelSpan.source = source;
  }
  const session = span.resource.attributes[SESSION_RESOURCE_ATTRIBUTE];
  if (typeof session === 'string' && session !== '') {
    panelSpan.sessionId = session;
  }
  return panelSpan;
}

export function toPanelBrokenLinks(findings: readonly Finding[], relativePath: (file: string) => string): PanelBrokenLink[] {
  return findings.map((finding) => {
    const link: PanelBrokenLink = {
      id: finding.id,
      kind: finding.kind,
      code: finding.code,
      message: finding.message,
      evidence: finding.evidence.map((e) => ({ role: e.role, traceId: e.traceId, spanId: e.spanId })),
    };
    if (finding.location) {
      link.blame = `${relativePath(finding.location.file)}:${finding.location.line}`;
    }
    return link;
  });
}

/** How the span reaches another service, from its attributes; '' for in-process spans and unknown protocols. */
export function transportOf(span: Pick<Span, 'kind' | 'attributes'>): PanelTransport {
  if (!REMOTE_KINDS.has(span.kind)) {
    return '';
  }
  const attributes = span.attributes;
  // Most specific first: gRPC and messaging instrumentations may also record HTTP attributes of their carrier.
  if (hasAny(attributes, GRPC_KEYS)) {
    return 'grpc';
  }
  if (hasAny(attributes, MESSAGING_KEYS)) {
    return 'messaging';
  }
  if (hasAny(attributes, DB_KEYS)) {
    return 'db';
  }
  if (hasAny(attributes, HTTP_KEYS)) {
    return 'http';
  }
  return '';
}

/** An attribute value as the text the panel shows: strings as they are, everything else as JSON. */
export function valueText(value: AttributeValue): string {
  return truncate(typeof value === 'string' ? value : stringify(value));
}

function attributeList(attributes: Attributes): [string, string][] {
  return Object.entries(attributes).map(([key, value]) => [truncate(key), valueText(value)]);
}

function stringify(value: AttributeValue): string {
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) {
    return String(value);
  }
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function truncate(text: string): string {
  if (text.length <= MAX_VALUE_CHARS) {
    return text;
  }
  let end = MAX_VALUE_CHARS;
  // Do not cut a surrogate pair in half: the lone half would show as a replacement character.
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) {
    end--;
  }
  return `${text.slice(0, end)}…`;
}

function hasAny(attributes: Attributes, keys: readonly string[]): boolean {
  return keys.some((key) => {
    const value = attributes[key];
    return value !== undefined && value !== null && value !== '';
  });
}

function sourceOf(span: Span, locate: (s: Span) => SourceLocation | undefined, relativePath: (file: string) => string): PanelSource | undefined {
  let location: SourceLocation | undefined;
  try {
    location = locate(span);
  } catch {
    // A mapper bug must not keep the span out of the panel; it just has no source link.
    return undefined;
  }
  if (!location) {
    return undefined;
  }
  return { file: location.file, line: location.line, label: `${relativePath(location.file)}:${location.line}` };
}
