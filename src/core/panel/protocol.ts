/**
 * The trace panel's message protocol, shared by the extension host and the webview bundle. Pure types and guards:
 * no vscode, no DOM, no Node. Everything the webview receives is data to show as text, never markup.
 */

/** One span as the panel shows it: flat, already stringified where the panel only displays. */
export interface PanelSpan {
  traceId: string;
  spanId: string;
  /** '' for a root span. */
  parentSpanId: string;
  name: string;
  service: string;
  /** OTLP SpanKind numbering: 0 unspecified, 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  startUnixMs: number;
  durationMs: number;
  /** OTLP StatusCode: 0 unset, 1 ok, 2 error. */
  status: number;
  statusMessage: string;
  /** How this span talks to another service, from its attributes; '' when it does not. */
  transport: PanelTransport;
  /** The source line it maps to, when the workspace has one. */
  source?: PanelSource;
  /** The debug session that launched its process (resource attribute `spanlens.debug.session`), when any. */
  sessionId?: string;
  /** Attributes as [key, value-as-text], resource attributes excluded; long values truncated. */
  attributes: [string, string][];
  events: PanelSpanEvent[];
  links: PanelSpanLink[];
}

export type PanelTransport = 'http' | 'grpc' | 'messaging' | 'db' | '';

export interface PanelSource {
  /** Absolute path, for the host to open. */
  file: string;
  /** 1-based. */
  line: number;
  /** Workspace-relative `path:line`, for display. */
  label: string;
}

export interface PanelSpanEvent {
  name: string;
  /** Milliseconds after the span's start. */
  offsetMs: number;
  attributes: [string, string][];
}

export interface PanelSpanLink {
  traceId: string;
  spanId: string;
  attributes: [string, string][];
}

/** One broken link (a propagation finding) with the spans that show it. */
export interface PanelBrokenLink {
  /** Stable finding id. */
  id: string;
  /** `orphan-span`, `disconnected-server`, … (FindingKind). */
  kind: string;
  /** SL101… */
  code: string;
  message: string;
  /** Workspace-relative `path:line` of the line to blame, when known. */
  blame?: string;
  evidence: PanelEvidence[];
}

export interface PanelEvidence {
  /** orphan, caller, callee, parent, request, producer, consumer, detached, canceled (EvidenceRole). */
  role: string;
  traceId: string;
  spanId: string;
}

export interface PanelSession {
  /** Span Lens's tag for the session (the `spanlens.debug.session` resource attribute value). */
  id: string;
  name: string;
  state: 'running' | 'stopped' | 'ended';
  /** When the debuggee stopped (breakpoint, step) and continued, oldest first. */
  marks: PanelSessionMark[];
}

export interface PanelSessionMark {
  atUnixMs: number;
  kind: 'started' | 'stopped' | 'continued' | 'ended';
  /** For `stopped`: the adapter's reason (breakpoint, step, pause, exception). */
  detail?: string;
}

/** Host settings the webview needs. */
export interface PanelConfig {
  /** The panel keeps at most this many spans (oldest traces dropped first, and counted). */
  maxSpans: number;
}

export type HostMessage =
  /** First message after `ready`; the webview replaces everything it holds with this. */
  | { type: 'reset'; config: PanelConfig; spans: PanelSpan[]; brokenLinks: PanelBrokenLink[]; sessions: PanelSession[] }
  /** Newly received spans, batched (at most a few per second). */
  | { type: 'spans'; spans: PanelSpan[] }
  /** The complete current set: replaces the previous one. */
  | { type: 'brokenLinks'; brokenLinks: PanelBrokenLink[] }
  /** The complete current set of sessions (newest last): replaces the previous one. */
  | { type: 'sessions'; sessions: PanelSession[] }
  /** The user cleared the data (store cleared): drop everything. */
  | { type: 'cleared' }
  /** Select this trace (and span, when given), expand it and scroll it into view. */
  | { type: 'revealTrace'; traceId: string; spanId?: string };

export type WebviewMessage =
  /** The webview loaded (or reloaded) and wants a `reset`. */
  | { type: 'ready' }
  /** Open the span's source line in an editor. */
  | { type: 'openSource'; file: string; line: number }
  /** Clear the panel's data (the panel only: annotations and findings stay). */
  | { type: 'clearPanel' }
  /** Open the panel as an editor tab. */
  | { type: 'openInEditor' }
  /** Copy text (an id) to the clipboard. */
  | { type: 'copy'; text: string };

/** Messages from a webview are untrusted (the page runs attribute text as data, but check the shape anyway). */
export function isWebviewMessage(value: unknown): value is WebviewMessage {
  if (typeof value !== 'object' || value === null) {
    return false;
  }
  const message = value as Record<string, unknown>;
  switch (message.type) {
    case 'ready':
    case 'clearPanel':
    case 'openInEditor':
      return true;
    case 'openSource':
      return typeof message.file === 'string' && message.file !== '' && Number.isInteger(message.line) && (message.line as number) >= 1;
    case 'copy':
      return typeof message.text === 'string' && message.text.length <= 1024;
    default:
      return false;
  }
}

/** Messages from the host, checked in the webview before use (a stale or foreign message is ignored). */
export function isHostMessage(value: unknown): value is HostMessage {
  if (typeof value !== 'object' || value === null) {
    return false;
  }
  const message = value as Record<string, unknown>;
  switch (message.type) {
    case 'reset':
      return (
        typeof message.config === 'object' &&
        message.config !== null &&
        Array.isArray(message.spans) &&
        Array.isArray(message.brokenLinks) &&
        Array.isArray(message.sessions)
      );
    case 'spans':
      return Array.isArray(message.spans);
    case 'brokenLinks':
      return Array.isArray(message.brokenLinks);
    case 'sessions':
      return Array.isArray(message.sessions);
    case 'cleared':
      return true;
    case 'revealTrace':
      return typeof message.traceId === 'string' && (message.spanId === undefined || typeof message.spanId === 'string');
    default:
      return false;
  }
}

/** Resource attribute that ties a span to the debug session that launched its process. */
export const SESSION_RESOURCE_ATTRIBUTE = 'spanlens.debug.session';
