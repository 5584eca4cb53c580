/**
 * The Go SDK's real OTLP/gRPC exporter (otlptracegrpc + batch processor, test/go-exportcheck -protocol grpc) against
 * our gRPC receiver: every span the Go program ended arrives exactly once, plain and gzip, in-process and through
 * `spanlens receive --grpc-port 0`.
 */
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { ReceiveReport } from '../../src/cli/receive';
import { OtlpGrpcReceiver } from '../../src/receiver/grpcReceiver';
import { captureWire } from '../receiver/grpcTestSupport';
import { buildExportCheck } from './support/goBuild';
import { telemetryEnv } from './support/goShop';
import { describeExit, ProcessGroup } from './support/processes';
import { CLI_MAIN, GO_SHOP } from './support/repo';

interface ExportCheckOutput {
  spans: { traceId: string; spanId: string }[];
}

describe('Go OTLP/gRPC exporter → gRPC receiver: every span sent is received, none twice', function () {
  const group = new ProcessGroup();
  let exportcheck: string;

  before(async function () {
    // A cold `go build` of the OTel SDK and grpc takes minutes on a busy 2-core machine.
    this.timeout(1_200_000);
    exportcheck = await buildExportCheck();
  });

  afterEach(async function () {
    await group.killAll();
  });

  async function sendSpans(endpoint: string, n: number, extraEnv: Record<string, string> = {}): Promise<string[]> {
    const proc = group.start('exportcheck', exportcheck, ['-protocol', 'grpc', '-n', String(n)], { env: telemetryEnv(endpoint, extraEnv) });
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
      const receiver = new OtlpGrpcReceiver({ port: 0 });
      const received = new Map<string, number>();
      receiver.onSpans((batch) => {
        for (const span of batch.spans) {
          const id = `${span.traceId}/${span.spanId}`;
          received.set(id, (received.get(id) ?? 0) + 1);
        }
      });
      // What the Go exporter really puts on the wire with this compression setting.
      const wire = await captureWire(async (port) => {
        const probe = group.start('exportcheck probe', exportcheck, ['-protocol', 'grpc', '-n', '1'], {
          env: telemetryEnv(`http://127.0.0.1:${port}`, { OTEL_EXPORTER_OTLP_COMPRESSION: compression }),
        });
        await probe.finished(60_000);
      });
      assert.equal(wire.compressed, compression === 'gzip');
      await receiver.start();
      try {
        const sent = await sendSpans(receiver.endpoint!, 2500, { OTEL_EXPORTER_OTLP_COMPRESSION: compression });
        const missing = sent.filter((id) => !received.has(id));
        const twice = [...received].filter(([, count]) => count > 1).map(([id]) => id);
        const sentSet = new Set(sent);
        const unexpected = [...received.keys()].filter((id) => !sentSet.has(id));
        assert.deepEqual({ missing: missing.slice(0, 5), twice: twice.slice(0, 5), unexpected: unexpected.slice(0, 5) }, { missing: [], twice: [], unexpected: [] });
        assert.equal(received.size, sent.length);
        assert.equal(receiver.counters.rejectedSpans, 0);
        assert.equal(receiver.counters.errors, 0);
      } finally {
        await receiver.stop();
      }
    });
  }

  it('spanlens receive --grpc-port 0 counts each of them once', async function () {
    this.timeout(180_000);
    const scratch = mkdtempSync(path.join(tmpdir(), 'span-lens-grpc-exportcheck-'));
    const reportFile = path.join(scratch, 'report.json');
    try {
      const cli = group.start('spanlens receive', process.execPath, [
        CLI_MAIN,
        'receive',
        '--http-port',
        '0',
        '--grpc-port',
        '0',
        '--workspace',
        GO_SHOP,
        '--report',
        reportFile,
      ]);
      const match = await cli.waitForStderr(/receiving OTLP\/gRPC on (http:\/\/[^\s]+)/, 60_000);
      const sent = await sendSpans(match[1], 1500);
      const exit = await cli.stop('SIGTERM', 60_000);
      assert.equal(exit.code, 0, `spanlens receive ${describeExit(exit)}:\n${cli.stderr}`);
      const report = JSON.parse(readFileSync(reportFile, 'utf8')) as ReceiveReport;
      assert.equal(report.spans, sent.length);
      assert.equal(report.dropped, 0);
      assert.equal(report.traces, new Set(sent.map((id) => id.split('/')[0])).size);
      assert.deepEqual(report.services, ['exportcheck']);
      assert.equal(report.receivers.grpc?.spans, sent.length);
      assert.equal(report.receivers.http.spans, 0);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});
