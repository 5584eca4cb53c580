/**
 * The Go SDK's real exporter (go-shop's telemetry setup: otlptracehttp + batch processor) against our receiver: every
 * span the Go program ended arrives exactly once, plain and gzip-compressed, in-process and through the CLI.
 */
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { OtlpHttpReceiver } from '../../src/receiver';
import { CliReceiver } from './support/cli';
import { buildExportCheck } from './support/goBuild';
import { telemetryEnv } from './support/goShop';
import { describeExit, ProcessGroup } from './support/processes';
import { GO_SHOP } from './support/repo';

interface ExportCheckOutput {
  spans: { traceId: string; spanId: string }[];
}

describe('Go exporter → receiver: every span sent is received, none twice', function () {
  const group = new ProcessGroup();
  let exportcheck: string;

  before(async function () {
    // A cold `go build` of gin, grpc and the OTel SDK takes minutes on a busy 2-core machine.
    this.timeout(1_200_000);
    exportcheck = await buildExportCheck();
  });

  afterEach(async function () {
    await group.killAll();
  });

  async function sendSpans(endpoint: string, n: number, extraEnv: Record<string, string> = {}): Promise<string[]> {
    const proc = group.start('exportcheck', exportcheck, ['-n', String(n)], { env: telemetryEnv(endpoint, extraEnv) });
    const exit = await proc.finished(120_000);
    assert.equal(exit.code, 0, `exportcheck ${describeExit(exit)}:\n${proc.tail()}`);
    const ids = (JSON.parse(proc.stdout) as ExportCheckOutput).spans.map((s) => `${s.traceId}/${s.spanId}`);
    assert.equal(ids.length, n, 'exportcheck ended as many spans as asked');
    assert.equal(new Set(ids).size, n, 'the SDK made distinct span ids');
    return ids;
  }

  for (const compression of ['none', 'gzip']) {
    it(`in-process receiver, compression ${compression}`, async function () {
      this.timeout(180_000);
      const receiver = new OtlpHttpReceiver({ port: 0 });
      const received = new Map<string, number>();
      let gzipped = 0;
      receiver.onSpans((batch) => {
        gzipped += batch.gzip ? 1 : 0;
        for (const span of batch.spans) {
          const id = `${span.traceId}/${span.spanId}`;
          received.set(id, (received.get(id) ?? 0) + 1);
        }
      });
      await receiver.start();
      try {
        const sent = await sendSpans(receiver.endpoint!, 2500, { OTEL_EXPORTER_OTLP_COMPRESSION: compression });
        const missing = sent.filter((id) => !received.has(id));
        const twice = [...received].filter(([, count]) => count > 1).map(([id]) => id);
        const sentSet = new Set(sent);
        const unexpected = [...received.keys()].filter((id) => !sentSet.has(id));
        assert.deepEqual({ missing: missing.slice(0, 5), twice: twice.slice(0, 5), unexpected: unexpected.slice(0, 5) }, { missing: [], twice: [], unexpected: [] });
        assert.equal(received.size, sent.length);
        assert.equal(gzipped > 0, compression === 'gzip', 'the exporter used the compression asked for');
        assert.equal(receiver.counters.rejectedSpans, 0);
      } finally {
        await receiver.stop();
      }
    });
  }

  it('spanlens receive counts each of them once', async function () {
    this.timeout(180_000);
    const scratch = mkdtempSync(path.join(tmpdir(), 'span-lens-exportcheck-'));
    try {
      const cli = await CliReceiver.start(group, GO_SHOP, path.join(scratch, 'report.json'));
      const sent = await sendSpans(cli.endpoint, 1500);
      const report = await cli.stop();
      assert.equal(report.spans, sent.length);
      assert.equal(report.dropped, 0);
      assert.equal(report.traces, new Set(sent.map((id) => id.split('/')[0])).size);
      assert.deepEqual(report.services, ['exportcheck']);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});
