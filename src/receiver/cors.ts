/**
 * CORS for browser apps exporting OTLP/HTTP (off by default): which origins may call, and the headers a preflight and
 * an actual response carry. Allowed origins are echoed (never `*`), with `Vary: Origin`, so caches keep them apart.
 */

/** Headers an OTLP browser exporter sends; always allowed on preflight, whatever the browser asks. */
const BASE_ALLOWED_HEADERS = ['content-type', 'content-encoding', 'authorization', 'x-api-key'];
const PREFLIGHT_MAX_AGE_SECONDS = '600';
/** A header name as RFC 9110 defines a token: anything else requested on preflight is not echoed. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** What we are willing to echo back as an origin: visible ASCII only, so it is always a valid header value. */
const ECHOABLE = /^[\x21-\x7e]+$/;

/** Normalized for comparison: lower case, no trailing slash (`https://App.example/` = `https://app.example`). */
function normalizeOrigin(origin: string): string {
  return origin.trim().toLowerCase().replace(/\/+$/, '');
}

export class CorsPolicy {
  private readonly any: boolean;
  private readonly origins: Set<string>;

  /** `[]` allows none (CORS off); `'*'` anywhere in the list allows every origin. */
  constructor(allowedOrigins: readonly string[] = []) {
    this.any = allowedOrigins.some((origin) => origin.trim() === '*');
    this.origins = new Set(allowedOrigins.map(normalizeOrigin).filter((origin) => origin !== '' && origin !== '*'));
  }

  get enabled(): boolean {
    return this.any || this.origins.size > 0;
  }

  allows(origin: string | undefined): origin is string {
    if (origin === undefined || !ECHOABLE.test(origin)) {
      return false;
    }
    return this.any || this.origins.has(normalizeOrigin(origin));
  }

  /** Headers for an actual (non-preflight) response; none when the origin is not allowed. */
  responseHeaders(origin: string | undefined): Record<string, string> {
    if (!this.allows(origin)) {
      return {};
    }
    return {
      'Access-Control-Allow-Origin': origin,
      'Access-Control-Expose-Headers': 'Retry-After',
      Vary: 'Origin',
    };
  }

  /** Headers for a 204 preflight answer, or undefined when the origin is not allowed (→ 403 without CORS headers). */
  preflightHeaders(origin: string | undefined, requestedHeaders: string | undefined): Record<string, string> | undefined {
    if (!this.allows(origin)) {
      return undefined;
    }
    const requested = (requestedHeaders ?? '')
      .split(',')
      .map((name) => name.trim().toLowerCase())
      .filter((name) => name !== '' && TOKEN.test(name));
    const allowed = [...new Set([...BASE_ALLOWED_HEADERS, ...requested])];
    return {
      'Access-Control-Allow-Origin': origin,
      'Access-Control-Allow-Methods': 'POST, OPTIONS',
      'Access-Control-Allow-Headers': allowed.join(', '),
      'Access-Control-Max-Age': PREFLIGHT_MAX_AGE_SECONDS,
      Vary: 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers',
    };
  }
}
