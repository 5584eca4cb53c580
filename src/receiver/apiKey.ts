/**
 * The optional API key: accepted as `Authorization: Bearer <key>` or `x-api-key: <key>`. Shared by the HTTP and gRPC
 * receivers (gRPC passes its metadata as a header map).
 */
import { createHash, timingSafeEqual } from 'node:crypto';

export type HeaderMap = Record<string, string | string[] | undefined>;

/**
 * Whether the request carries the key. An empty `apiKey` means none is required (always true).
 * Header names are matched case-insensitively; any one matching value is enough.
 */
export function checkApiKey(headers: HeaderMap, apiKey: string): boolean {
  if (apiKey === '') {
    return true;
  }
  let found = false;
  // Check every candidate (no early return) so the time taken does not tell which header came close.
  for (const candidate of candidatesOf(headers)) {
    if (sameSecret(candidate, apiKey)) {
      found = true;
    }
  }
  return found;
}

function candidatesOf(headers: HeaderMap): string[] {
  const candidates: string[] = [];
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (lower !== 'authorization' && lower !== 'x-api-key') {
      continue;
    }
    for (const one of Array.isArray(value) ? value : value === undefined ? [] : [value]) {
      if (lower === 'x-api-key') {
        candidates.push(one.trim());
        continue;
      }
      const match = /^\s*bearer\s+(.*?)\s*$/i.exec(one);
      if (match) {
        candidates.push(match[1]);
      }
    }
  }
  return candidates;
}

/**
 * Constant-time equality: both sides are hashed to a fixed length first, so neither the content nor the length of
 * the expected key leaks through timing (timingSafeEqual alone needs equal lengths).
 */
function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}
