import type { Attributes, Resource, Span } from '../model/span';

/** What a span says about the other end of a call, from the HTTP / RPC / messaging semantic conventions. */
export interface CallTarget {
  method?: string;
  host?: string;
  port?: number;
  /** Path without the query string. */
  path?: string;
  /** Server side only: the route template (`/stock/:sku`, `/stock/{sku}`). */
  route?: string;
  peerService?: string;
  destination?: string;
}

function text(attributes: Attributes, ...keys: string[]): string | undefined {
  for (const key of keys) {
    const value = attributes[key];
    if (typeof value === 'string' && value !== '') return value;
  }
  return undefined;
}

function integer(attributes: Attributes, ...keys: string[]): number | undefined {
  for (const key of keys) {
    const value = attributes[key];
    const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
    if (Number.isInteger(n) && n > 0) return n;
  }
  return undefined;
}

function parseUrl(raw: string | undefined): URL | undefined {
  if (raw === undefined) return undefined;
  try {
    return new URL(raw);
  } catch {
    return undefined;
  }
}

function withoutQuery(target: string | undefined): string | undefined {
  if (target === undefined) return undefined;
  const cut = target.search(/[?#]/);
  return cut >= 0 ? target.slice(0, cut) : target;
}

const DEFAULT_PORTS: Record<string, number> = { 'http:': 80, 'https:': 443 };

/** The callee a CLIENT or PRODUCER span aims at (otelhttp: `url.full`, `server.address`, `server.port`). */
export function clientTarget(span: Span): CallTarget {
  const a = span.attributes;
  const url = parseUrl(text(a, 'url.full', 'http.url'));
  const target: CallTarget = {
    method: text(a, 'http.request.method', 'http.method'),
    host: text(a, 'server.address', 'net.peer.name') ?? url?.hostname,
    port: integer(a, 'server.port', 'net.peer.port') ?? (url ? Number(url.port) || DEFAULT_PORTS[url.protocol] : undefined),
    path: url?.pathname ?? withoutQuery(text(a, 'url.path', 'http.target')),
    peerService: text(a, 'peer.service'),
    destination: messagingDestination(span),
  };
  return target;
}

/**
 * What a SERVER or CONSUMER span says about itself. otelgin puts its service name in `server.address` (not a host)
 * and the port of the request's Host header in `server.port`.
 */
export function serverTarget(span: Span): CallTarget {
  const a = span.attributes;
  return {
    method: text(a, 'http.request.method', 'http.method'),
    port: integer(a, 'server.port', 'net.host.port'),
    path: withoutQuery(text(a, 'url.path', 'http.target')),
    route: text(a, 'http.route'),
    destination: messagingDestination(span),
  };
}

/** Whether a call the client made could be the one this server handled: nothing disagrees, something agrees. */
export function targetsAgree(client: CallTarget, server: CallTarget, serverService: string): boolean {
  if (client.method && server.method && client.method.toUpperCase() !== server.method.toUpperCase()) return false;
  if (client.port !== undefined && server.port !== undefined && client.port !== server.port) return false;
  if (client.path !== undefined && server.path !== undefined && client.path !== server.path) return false;
  if (client.path !== undefined && server.route !== undefined && !routeMatches(server.route, client.path)) return false;
  if (client.destination && server.destination && client.destination !== server.destination) return false;
  if (client.peerService && client.peerService !== serverService) return false;
  return (
    (client.port !== undefined && client.port === server.port) ||
    (client.path !== undefined && (client.path === server.path || (server.route !== undefined && routeMatches(server.route, client.path)))) ||
    (client.destination !== undefined && client.destination === server.destination) ||
    client.peerService === serverService
  );
}

const routeCache = new Map<string, RegExp>();

/** `/stock/:sku`, `/stock/{sku}`, `/files/*path` against a concrete path. */
export function routeMatches(route: string, path: string): boolean {
  let pattern = routeCache.get(route);
  if (!pattern) {
    const source = route
      .split('/')
      .map((segment) => {
        if (segment.startsWith('*')) return '.*';
        if (segment.startsWith(':') || /^\{[^}]*\}$/.test(segment)) return '[^/]+';
        return segment.replace(/[.+*?^${}()|[\]\\]/g, '\\$&');
      })
      .join('/');
    pattern = new RegExp(`^${source}/?$`);
    if (routeCache.size > 1000) routeCache.clear();
    routeCache.set(route, pattern);
  }
  return pattern.test(path);
}

/** A request/response call to a service of ours (not a database, cache or queue, which report no spans). */
export function isServiceCall(span: Span): boolean {
  const a = span.attributes;
  if (text(a, 'db.system', 'db.system.name', 'messaging.system') !== undefined) return false;
  return text(a, 'http.request.method', 'http.method', 'rpc.system', 'peer.service') !== undefined;
}

/** How to name the callee of a call: `peer.service`, else `host:port`. */
export function peerName(target: CallTarget): string | undefined {
  if (target.peerService) return target.peerService;
  if (target.host && target.port !== undefined) return `${target.host}:${target.port}`;
  return target.host ?? (target.port !== undefined ? `:${target.port}` : undefined);
}

/**
 * Peers likely to be the user's own services (loopback, private addresses, single-label container names,
 * cluster-local names, an explicit `peer.service`): a public API never reports spans to us, so it is not "silent".
 */
export function isLikelyOwnPeer(target: CallTarget): boolean {
  if (target.peerService) return true;
  const host = target.host?.toLowerCase().replace(/^\[|\]$/g, '');
  if (host === undefined) return target.port !== undefined;
  if (host === 'localhost' || host === '::1' || host === '0.0.0.0' || host.endsWith('.localhost')) return true;
  if (/^127\.|^10\.|^192\.168\.|^172\.(1[6-9]|2\d|3[01])\.|^f[cd][0-9a-f]{2}:/.test(host)) return true;
  if (/\.(local|internal|svc|cluster\.local|lan)$/.test(host)) return true;
  return !host.includes('.') && !host.includes(':');
}

/** Spans of one batch share their resource object (received spans are read-only), so its key is worked out once. */
const processKeys = new WeakMap<Resource, string>();

/** The last resource asked about: a batch's spans come one after another with the same one. */
let lastResource: Resource | undefined;
let lastProcessKey = '';

/** One running program: service.name plus whatever the resource says identifies the process. */
export function processKey(span: Span): string {
  if (span.resource === lastResource) return lastProcessKey;
  const known = processKeys.get(span.resource);
  if (known !== undefined) {
    lastResource = span.resource;
    lastProcessKey = known;
    return known;
  }
  const a = span.resource.attributes;
  const instance = text(a, 'service.instance.id');
  const pid = a['process.pid'];
  const host = text(a, 'host.name', 'host.id');
  const key = [span.resource.serviceName, instance ?? '', typeof pid === 'number' || typeof pid === 'string' ? String(pid) : '', host ?? ''].join('\0');
  processKeys.set(span.resource, key);
  lastResource = span.resource;
  lastProcessKey = key;
  return key;
}

const CANCELED = /context canceled/i;

/** Ended in "context canceled": the status message, or an exception event recorded on the span. */
export function endedCanceled(span: Span): boolean {
  if (CANCELED.test(span.status.message)) return true;
  return span.events.some((event) => {
    const message = event.attributes['exception.message'];
    return event.name === 'exception' && typeof message === 'string' && CANCELED.test(message);
  });
}

export function messagingDestination(span: Span): string | undefined {
  return text(span.attributes, 'messaging.destination.name', 'messaging.destination');
}

export function endOf(span: Span): number {
  return span.startTimeUnixMs + span.durationMs;
}
