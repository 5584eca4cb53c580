/** One bounded go-shop session against its own `spanlens receive`: start everything, send traffic, stop, read the report. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { CliReceiver, SpanLensReport } from './cli';
import type { GoShopBinaries } from './goBuild';
import { runTraffic, startShop, TrafficSummary } from './goShop';
import { ProcessGroup } from './processes';

export interface ShopRun {
  report: SpanLensReport;
  traffic: TrafficSummary;
}

export interface ShopRunOptions {
  /** The directory the CLI maps spans to (`--workspace`): the source the binaries were built from. */
  workspace: string;
  /** SHOP_FAULT for every service; undefined runs the clean shop. */
  fault?: string;
  /** Chance of a simulated database failure in the inventory. */
  failureRate: number;
  /** cmd/traffic flags; keep them bounded (`-n`). */
  trafficArgs: string[];
}

/**
 * Every process it starts is stopped before it returns, whatever happens: cleanly on success (so spans are flushed and
 * the CLI writes its report), killed on failure.
 */
export async function runShopSession(bins: GoShopBinaries, options: ShopRunOptions): Promise<ShopRun> {
  const group = new ProcessGroup();
  const scratch = mkdtempSync(path.join(tmpdir(), 'span-lens-session-'));
  try {
    const cli = await CliReceiver.start(group, options.workspace, path.join(scratch, 'report.json'));
    const shop = await startShop(group, bins, cli.endpoint, options.failureRate, options.fault);
    const traffic = await runTraffic(group, bins, cli.endpoint, shop.orderUrl, options.trafficArgs);
    await shop.stop();
    // SIGTERM: no more spans can come, so the CLI settles every pending grace window before writing the report.
    const report = await cli.stop();
    return { report, traffic };
  } finally {
    await group.killAll();
    rmSync(scratch, { recursive: true, force: true });
  }
}
