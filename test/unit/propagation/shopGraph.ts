import type { Span } from '../../../src/core/model/span';
import { CLIENT, CONSUMER, ginServerAttributes, httpClientAttributes, PRODUCER, SERVER, span } from './spanGraph';

/** Lines the table locator gives the user-code spans of the hand-built shop (all in /ws/order/service.go). */
export const LINES: Record<string, number> = {
  'traffic.PlaceOrder': 10,
  'order.Create': 20,
  'inventory.Check': 30,
  'db.query': 31,
  'orders.placed publish': 40,
  'orders.placed process': 41,
  'notifier.confirm': 42,
  'order.loyalty': 50,
  'order.audit': 60,
  'order.Get': 70,
};

export const PIDS = { traffic: 10, order: 20, inventory: 30, notifier: 40 };

export interface ShopRequestOptions {
  /** Which inventory stock check loses its link, and how. */
  breakCheck?: 'server-root';
}

/**
 * One order placed through the whole shop, whole: traffic -> order (fan-out of three stock checks, a reserve
 * that is retried, a publish consumed by the notifier) and async work that carries the context past the response.
 */
export function shopRequest(i: number, s: number, options: ShopRequestOptions = {}): Span[] {
  const t = `${i}a`;
  const id = (n: string): string => `${i}x${n}`;
  const spans: Span[] = [
    span({ trace: t, id: id('01'), name: 'traffic.PlaceOrder', service: 'traffic', pid: PIDS.traffic, start: s, duration: 60 }),
    span({ trace: t, id: id('02'), parent: id('01'), name: 'HTTP POST', service: 'traffic', pid: PIDS.traffic, kind: CLIENT, start: s + 1, duration: 58, attributes: httpClientAttributes('POST', 'http://localhost:8081/orders') }),
    span({ trace: t, id: id('03'), parent: id('02'), name: 'POST /orders', service: 'order-service', pid: PIDS.order, kind: SERVER, start: s + 2, duration: 55, attributes: ginServerAttributes('order-service', 'POST', '/orders', '/orders', 8081) }),
    span({ trace: t, id: id('04'), parent: id('03'), name: 'order.Create', service: 'order-service', pid: PIDS.order, start: s + 3, duration: 50 }),
  ];
  // Fan-out: three checks in parallel, each answered in the same trace.
  for (const k of [1, 2, 3]) {
    const broken = options.breakCheck === 'server-root' && k === 2;
    spans.push(
      span({ trace: t, id: id(`1${k}`), parent: id('04'), name: 'HTTP GET', service: 'order-service', pid: PIDS.order, kind: CLIENT, start: s + 5, duration: 10, attributes: httpClientAttributes('GET', `http://localhost:8082/stock/sku-${k}`) }),
      span({ trace: broken ? `${i}b` : t, id: id(`2${k}`), parent: broken ? undefined : id(`1${k}`), name: 'GET /stock/:sku', service: 'inventory-service', pid: PIDS.inventory, kind: SERVER, start: s + 6, duration: 8, attributes: ginServerAttributes('inventory-service', 'GET', '/stock/:sku', `/stock/sku-${k}`, 8082) }),
      span({ trace: broken ? `${i}b` : t, id: id(`3${k}`), parent: id(`2${k}`), name: 'inventory.Check', service: 'inventory-service', pid: PIDS.inventory, start: s + 7, duration: 5 }),
      span({ trace: broken ? `${i}b` : t, id: id(`4${k}`), parent: id(`3${k}`), name: 'db.query', service: 'inventory-service', pid: PIDS.inventory, kind: CLIENT, start: s + 8, duration: 2, attributes: { 'db.system.name': 'postgresql', 'db.operation.name': 'SELECT' } }),
    );
  }
  const reserve = (n: string, start: number, failed: boolean): Span[] => [
    span({ trace: t, id: id(`5${n}`), parent: id('04'), name: 'HTTP POST', service: 'order-service', pid: PIDS.order, kind: CLIENT, start, duration: 8, attributes: httpClientAttributes('POST', 'http://localhost:8082/reserve'), statusMessage: failed ? '503 Service Unavailable' : undefined }),
    span({ trace: t, id: id(`6${n}`), parent: id(`5${n}`), name: 'POST /reserve', service: 'inventory-service', pid: PIDS.inventory, kind: SERVER, start: start + 1, duration: 6, attributes: ginServerAttributes('inventory-service', 'POST', '/reserve', '/reserve', 8082), statusMessage: failed ? 'db: connection reset by peer' : undefined }),
  ];
  // A retry: two calls to the same server, each with its own server span.
  spans.push(...reserve('1', s + 20, true), ...reserve('2', s + 30, false));
  spans.push(
    span({ trace: t, id: id('71'), parent: id('04'), name: 'orders.placed publish', service: 'order-service', pid: PIDS.order, kind: PRODUCER, start: s + 45, duration: 1, attributes: { 'messaging.system': 'nats', 'messaging.destination.name': 'orders.placed' } }),
    span({ trace: t, id: id('72'), parent: id('71'), name: 'orders.placed process', service: 'notifier', pid: PIDS.notifier, kind: CONSUMER, start: s + 47, duration: 3, attributes: { 'messaging.system': 'nats', 'messaging.destination.name': 'orders.placed' } }),
    span({ trace: t, id: id('73'), parent: id('72'), name: 'notifier.confirm', service: 'notifier', pid: PIDS.notifier, start: s + 48, duration: 2 }),
    // Async work on context.WithoutCancel(ctx): same trace, outlives the response by seconds, not canceled.
    span({ trace: t, id: id('81'), parent: id('04'), name: 'order.audit', service: 'order-service', pid: PIDS.order, start: s + 52, duration: 10 }),
    span({ trace: t, id: id('82'), parent: id('04'), name: 'order.loyalty', service: 'order-service', pid: PIDS.order, start: s + 70, duration: 3000 }),
  );
  return spans;
}
