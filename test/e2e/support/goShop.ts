/** Runs the go-shop programs against a receiver: services on free ports, traffic for a bounded number of orders. */
import { describeExit, ManagedProcess, ProcessGroup } from './processes';
import { GoShopBinaries } from './goBuild';
import { freePort } from './ports';

/** What cmd/traffic prints on stdout when it is done (internal/traffic.Summary). */
export interface TrafficSummary {
  orders: Tally;
  lookups: Tally;
  invalid: number;
  unknownSku: number;
}

export interface Tally {
  sent: number;
  /** HTTP status → count; "transport" for requests that got no answer. */
  byStatus: Record<string, number>;
}

/** The parent's environment minus any OTEL_* setting that could redirect, rename or sample away the spans under test. */
export function telemetryEnv(endpoint: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('OTEL_')) {
      env[key] = value;
    }
  }
  // A short batch delay keeps the test brisk; shutdown flushes whatever is left either way.
  return { ...env, OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_BSP_SCHEDULE_DELAY: '200', ...extra };
}

export interface RunningShop {
  orderUrl: string;
  /** SIGTERM to order, inventory, then the notifier (callers and publishers first); each must flush and exit 0. */
  stop(): Promise<void>;
}

/**
 * The notifier (with the NATS broker it embeds), inventory and order services on free ports. fault, when given, is
 * set as SHOP_FAULT for all three, as the README tells a person to do; each acts on the faults that concern it.
 */
export async function startShop(group: ProcessGroup, bins: GoShopBinaries, endpoint: string, failureRate: number, fault?: string): Promise<RunningShop> {
  const env = telemetryEnv(endpoint, fault ? { SHOP_FAULT: fault } : {});
  const natsPort = await freePort();
  const notifier = group.start('notifier', bins.notifier, ['-port', String(natsPort)], { env });
  const inventoryPort = await freePort();
  const inventory = group.start('inventory-service', bins.inventory, ['-port', String(inventoryPort), '-failure-rate', String(failureRate)], { env });
  await Promise.all([notifier.waitForStderr(/listening/, 30_000), inventory.waitForStderr(/listening/, 30_000)]);

  const orderPort = await freePort();
  const order = group.start(
    'order-service',
    bins.order,
    ['-port', String(orderPort), '-inventory', `http://127.0.0.1:${inventoryPort}`, '-nats', `nats://127.0.0.1:${natsPort}`],
    { env },
  );
  await order.waitForStderr(/listening/, 30_000);

  return {
    orderUrl: `http://127.0.0.1:${orderPort}`,
    async stop() {
      await stopCleanly(order);
      await stopCleanly(inventory);
      // Last: it handles what order-service published before stopping.
      await stopCleanly(notifier);
    },
  };
}

async function stopCleanly(service: ManagedProcess): Promise<void> {
  const exit = await service.stop('SIGTERM', 30_000);
  if (exit.code !== 0) {
    throw new Error(`${service.name} did not shut down cleanly (${describeExit(exit)}):\n${service.tail()}`);
  }
}

/** Runs cmd/traffic to completion and returns its summary. */
export async function runTraffic(group: ProcessGroup, bins: GoShopBinaries, endpoint: string, target: string, args: string[]): Promise<TrafficSummary> {
  const traffic = group.start('traffic', bins.traffic, ['-target', target, ...args], { env: telemetryEnv(endpoint) });
  const exit = await traffic.finished(300_000);
  if (exit.code !== 0) {
    throw new Error(`traffic failed (${describeExit(exit)}):\n${traffic.tail()}`);
  }
  return JSON.parse(traffic.stdout) as TrafficSummary;
}
