/** `spanlens receive` finds broken links in real exporter spans and writes them into the report. */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ROOT_CONTEXT, SpanKind, TraceFlags, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { Tracer } from '@opentelemetry/api';
import type { ReceiveReport } from '../../../src/cli/receive';
import { FIXTURE_WORKSPACE, listeningPort, runCli } from './cliProcess';

/** Runs `build` with a tracer whose spans a real OTLP/proto exporter sends to the CLI. */
async function exportWith(port: number, service: string, build: (tracer: Tracer) => void): Promise<void> {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': service }),
    spanProcessors: [new SimpleSpanProcessor(new OTLPTraceExporter({ url: `http://127.0.0.1:${port}/v1/traces` }))],
  });
  build(provider.getTracer('cli-findings-test'));
  await provider.forceFlush();
  await provider.shutdown();
}

const CREATE = { 'code.file.path': '/build/shop/internal/orders/service.go', 'code.line.number': 11 };

async function reportAfter(send: (port: number) => Promise<void>): Promise<ReceiveReport> {
  const scratch = mkdtempSync(path.join(tmpdir(), 'spanlens-findings-'));
  try {
    const reportFile = path.join(scratch, 'report.json');
    // The default 5 s grace window: SIGTERM must settle it, the test does not wait it out.
    const cli = runCli(['receive', '--http-port', '0', '--workspace', FIXTURE_WORKSPACE, '--report', reportFile]);
    const port = await listeningPort(cli);
    await send(port);
    cli.child.kill('SIGTERM');
    assert.equal(await cli.exited, 0, cli.stderr());
    return JSON.parse(readFileSync(reportFile, 'utf8')) as ReceiveReport;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

describe('spanlens receive: broken links', function () {
  this.timeout(30_000);

  it('reports an orphan span on its line, settled on SIGTERM before its grace window ended', async () => {
    // The parent lives in a process that never exported it: only its context reached this service.
    const lostParent = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: TraceFlags.SAMPLED, isRemote: true };
    const report = await reportAfter((port) =>
      exportWith(port, 'shop', (tracer) => {
        const parentContext = trace.setSpanContext(ROOT_CONTEXT, lostParent);
        tracer.startSpan('orders.create', { kind: SpanKind.INTERNAL, attributes: CREATE }, parentContext).end();
      }),
    );
    assert.equal(report.spans, 1);
    assert.deepEqual(
      report.findings.map(({ kind, file, line, traceIds }) => ({ kind, file, line, traceIds })),
      [{ kind: 'orphan-span', file: 'internal/orders/service.go', line: 11, traceIds: [lostParent.traceId] }],
    );
    const [finding] = report.findings;
    assert.match(finding.message, /parent/);
    assert.ok(finding.confidence > 0 && finding.confidence <= 1, String(finding.confidence));
  });

  it('reports nothing for a whole trace', async () => {
    const report = await reportAfter((port) =>
      exportWith(port, 'shop', (tracer) => {
        const parent = tracer.startSpan('orders.create', { kind: SpanKind.SERVER, attributes: CREATE });
        const child = tracer.startSpan('orders.save', { attributes: { 'code.file.path': 'internal/orders/service.go', 'code.line.number': 15 } }, trace.setSpan(ROOT_CONTEXT, parent));
        child.end();
        parent.end();
      }),
    );
    assert.equal(report.spans, 2);
    assert.equal(report.traces, 1);
    assert.equal(report.locations.length, 2);
    assert.deepEqual(report.findings, []);
    // Settled on stop: both were checked, none left the window unchecked.
    assert.deepEqual(report.brokenLinkChecks, { checkedSpans: 2, checkedWithinTraceSpans: 0, uncheckedSpans: 0, notAdmittedSpans: 0 });
  });
});
