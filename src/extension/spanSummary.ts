/** The few attributes that say what a span did, for hovers and trace views. No vscode import: unit-tested. */
import { AttributeValue, Span, StatusCode } from '../core/model/span';

/** Old and new semantic-convention names side by side; the first present of each group is shown. */
const KEY_ATTRIBUTE_GROUPS: string[][] = [
  ['http.request.method', 'http.method'],
  ['http.route', 'url.path', 'http.target'],
  ['http.response.status_code', 'http.status_code'],
  ['rpc.service'],
  ['rpc.method'],
  ['db.system.name', 'db.system'],
  ['db.operation.name', 'db.operation'],
  ['db.collection.name', 'db.sql.table'],
  ['messaging.system'],
  ['messaging.destination.name', 'messaging.destination'],
  ['server.address', 'net.peer.name', 'peer.service'],
  ['error.type'],
];

export interface KeyAttribute {
  key: string;
  value: string;
}

export function keyAttributes(span: Span, max = 5): KeyAttribute[] {
  const found: KeyAttribute[] = [];
  for (const group of KEY_ATTRIBUTE_GROUPS) {
    const key = group.find((name) => span.attributes[name] !== undefined && span.attributes[name] !== null);
    if (key !== undefined) {
      found.push({ key, value: attributeText(span.attributes[key]) });
      if (found.length >= max) {
        break;
      }
    }
  }
  return found;
}

/** The status message, else the first `exception` event's message: why an error span failed. */
export function errorMessage(span: Span): string | undefined {
  if (span.status.message) {
    return span.status.message;
  }
  for (const event of span.events) {
    if (event.name === 'exception') {
      const message = event.attributes['exception.message'] ?? event.attributes['exception.type'];
      if (message !== undefined && message !== null) {
        return attributeText(message);
      }
    }
  }
  return undefined;
}

export function statusText(span: Span): 'Error' | 'OK' | 'Unset' {
  switch (span.status.code) {
    case StatusCode.Error:
      return 'Error';
    case StatusCode.Ok:
      return 'OK';
    default:
      return 'Unset';
  }
}

export function attributeText(value: AttributeValue): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** First 8 hex digits: enough to tell traces apart on screen. */
export function shortTraceId(traceId: string): string {
  return traceId.slice(0, 8);
}
