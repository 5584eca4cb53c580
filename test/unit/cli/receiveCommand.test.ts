import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { SpanStatusCode } from '@opentelemetry/api';
import type { Attributes } from '@opentelemetry/api';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { SpanLensReport } from '../../../src/cli/report';
import { JSON_TYPE, jsonBody, postTraces, sdkSpans } from '../receiver/otlpTestSupport';
import { FIXTURE_WORKSPACE, indexed, listeningPort, runCli } from './cliProcess';

interface SpanPlan {
  name: string;
  attributes?: Attributes;
  error?: boolean;
}

/** Sends the planned spans through a real exporter to the CLI, each as its own trace. */
async function exportSpans(port: number, service: string, plans: SpanPlan[], exporter: 'proto' | 'json'): Promise<void> {
  const config = { url: `http://127.0.0.1:${port}/v1/traces` };
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': service }),
    spanProcessors: [new BatchSpanProcessor(exporter === 'proto' ? new ProtoExporter(config) : new JsonExporter(config), { scheduledDelayMillis: 10 })],
  });
  const tracer = provider.getTracer('cli-test');
  for (const plan of plans) {
    const span = tracer.startSpan(plan.name, { attributes: plan.attributes });
    if (plan.error) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: 'failed' });
    }
    span.end();
  }
  await provider.forceFlush();
  await provider.shutdown();
}

const times = (n: number, plan: (i: number) => SpanPlan): SpanPlan[] => Array.from({ length: n }, (_, i) => plan(i));

function lineOf(file: string, line: number): string {
  return readFileSync(path.join(FIXTURE_WORKSPACE, file), 'utf8').split('\n')[line - 1];
}

describe('spanlens receive', function () {
  this.timeout(30_000);
  let scratch: string;

  beforeEach(() => {
    scratch = mkdtempSync(path.join(tmpdir(), 'spanlens-cli-'));
  });

  afterEach(() => {
    rmSync(scratch, { recursive: true, force: true });
  });

  it('maps real exporter spans into the workspace and writes the report on SIGTERM', async () => {
    const reportFile = path.join(scratch, 'report.json');
    const cli = runCli(['receive', '--http-port', '0', '--grpc-port', '0', '--workspace', FIXTURE_WORKSPACE, '--report', reportFile]);
    const port = await listeningPort(cli);

    // Stable semconv code.* attributes with a build machine's path: resolved by longest suffix in the workspace.
    const orders = times(5, (i) => ({
      name: 'orders.create',
      attributes: { 'code.file.path': '/home/ci/go/src/example.com/shop/internal/orders/service.go', 'code.line.number': 12, 'code.function.name': 'Create' },
      error: i < 2,
    }));
    // The older semconv generation.
    const stock = times(3, () => ({ name: 'stock.reserve', attributes: { 'code.filepath': '/app/inventory/stock.py', 'code.lineno': 5 } }));
    // No code.* at all: found by the span name passed to startActiveSpan in web/payments.js.
    const payments = times(4, (i) => ({ name: 'payments.charge', error: i === 3 }));
    // Nothing in the workspace fits these: counted, but on no line.
    const unmapped = times(2, () => ({ name: 'no.such.span', attributes: { 'code.file.path': '/elsewhere/vendor/lib.go', 'code.line.number': 3 } }));

    await exportSpans(port, 'shop', [...orders, ...stock], 'proto');
    await exportSpans(port, 'payments', [...payments, ...unmapped], 'json');

    cli.child.kill('SIGTERM');
    assert.equal(await cli.exited, 0, cli.stderr());
    assert.equal(cli.stdout(), '', 'with --report, nothing goes to stdout');
    assert.deepEqual(readdirSync(scratch), ['report.json'], 'no temporary file left behind');

    const report = JSON.parse(readFileSync(reportFile, 'utf8')) as SpanLensReport;
    assert.equal(report.spans, 14);
    assert.equal(report.traces, 14);
    assert.equal(report.dropped, 0);
    assert.deepEqual(report.services, ['payments', 'shop']);
    assert.deepEqual(
      report.locations.map(({ file, line, count, errors }) => ({ file, line, count, errors })),
      [
        { file: 'internal/orders/service.go', line: 12, count: 5, errors: 2 },
        { file: 'inventory/stock.py', line: 5, count: 3, errors: 0 },
        { file: 'web/payments.js', line: 8, count: 4, errors: 1 },
      ],
    );
    assert.match(lineOf('web/payments.js', 8), /startActiveSpan\('payments\.charge'/);
    for (const location of report.locations) {
      assert.equal(typeof location.p50Ms, 'number');
      assert.ok(location.p50Ms >= 0 && location.p95Ms >= location.p50Ms, JSON.stringify(location));
    }
  });

  it('writes the report to stdout on SIGINT and counts rejected and evicted spans as dropped', async () => {
    const cli = runCli(['receive', '--http-port=0', '--grpc-port=0', `--workspace=${FIXTURE_WORKSPACE}`, '--max-spans', '5']);
    const port = await listeningPort(cli);
    // Spans past the cap that arrive while indexing would be re-mapped from the 5 retained ones: counts would drop.
    await indexed(cli);

    const spans = await sdkSpans(3, 'ledger', () => ({ 'code.file.path': 'inventory/stock.py', 'code.line.number': 4 }));
    const request = JSON.parse(Buffer.from(jsonBody(spans)).toString()) as { resourceSpans: { scopeSpans: { spans: { spanId: string }[] }[] }[] };
    request.resourceSpans[0].scopeSpans[0].spans[0].spanId = 'zz';
    const reply = await postTraces(port, Buffer.from(JSON.stringify(request)), JSON_TYPE);
    assert.equal(reply.status, 200);
    await exportSpans(port, 'ledger', times(10, () => ({ name: 'x', attributes: { 'code.file.path': 'inventory/stock.py', 'code.line.number': 4 } })), 'proto');

    cli.child.kill('SIGINT');
    assert.equal(await cli.exited, 0, cli.stderr());
    const report = JSON.parse(cli.stdout()) as SpanLensReport;
    assert.equal(report.spans, 12);
    // 1 rejected by the decoder + 7 evicted to stay within 5 spans.
    assert.equal(report.dropped, 8);
    assert.equal(report.traces, 12);
    assert.deepEqual(report.services, ['ledger']);
    assert.deepEqual(report.locations.map(({ file, line, count }) => ({ file, line, count })), [{ file: 'inventory/stock.py', line: 4, count: 12 }]);
  });

  it('takes the API key from SPANLENS_API_KEY and CORS origins from --cors-origin', async () => {
    const cli = runCli(['receive', '--http-port=0', '--no-grpc', '--cors-origin', 'http://localhost:5173', `--workspace=${FIXTURE_WORKSPACE}`], process.cwd(), {
      SPANLENS_API_KEY: 'sesame',
    });
    try {
      const port = await listeningPort(cli);
      const body = Buffer.from(jsonBody(await sdkSpans(1, 'web', () => ({}))));
      assert.equal((await postTraces(port, body, JSON_TYPE)).status, 401);
      assert.equal((await postTraces(port, body, JSON_TYPE, { 'x-api-key': 'wrong' })).status, 401);
      const accepted = await postTraces(port, body, JSON_TYPE, { 'x-api-key': 'sesame', Origin: 'http://localhost:5173' });
      assert.equal(accepted.status, 200);
      assert.equal(accepted.headers['access-control-allow-origin'], 'http://localhost:5173');
      const foreign = await postTraces(port, body, JSON_TYPE, { Authorization: 'Bearer sesame', Origin: 'http://evil.example' });
      assert.equal(foreign.headers['access-control-allow-origin'], undefined);
    } finally {
      cli.child.kill('SIGINT');
      await cli.exited;
    }
    const report = JSON.parse(cli.stdout()) as SpanLensReport;
    // The key-less requests stored nothing; the two with the key sent the same span, stored once (CORS only decides
    // what a browser may read, not what is stored).
    assert.equal(report.spans, 1);
    assert.equal(report.services.length, 1);
  });

  it('says so and exits 1 when the port is taken', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve()));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const cli = runCli(['receive', '--http-port', String(port), '--grpc-port', '0', '--workspace', FIXTURE_WORKSPACE]);
      assert.equal(await cli.exited, 1);
      assert.match(cli.stderr(), new RegExp(`127\\.0\\.0\\.1:${port}.*in use`));
      assert.equal(cli.stdout(), '');
    } finally {
      blocker.close();
    }
  });

  it('prints help and the version', async () => {
    const help = runCli(['--help']);
    assert.equal(await help.exited, 0);
    assert.match(help.stdout(), /Usage: spanlens receive|Usage: spanlens <command>/);
    assert.match(help.stdout(), /--http-port P/);
    const version = runCli(['--version']);
    assert.equal(await version.exited, 0);
    const manifest = JSON.parse(readFileSync(path.resolve(__dirname, '../../../../package.json'), 'utf8')) as { version: string };
    assert.equal(version.stdout().trim(), manifest.version);
  });

  for (const args of [[], ['serve'], ['receive', '--port', '1'], ['receive', '--http-port'], ['receive', '--http-port', 'abc'], ['receive', '--http-port', '70000'], ['receive', '--max-spans', '0'], ['receive', 'extra']]) {
    it(`exits 2 with a message for bad usage: ${JSON.stringify(args)}`, async () => {
      const cli = runCli(args);
      assert.equal(await cli.exited, 2);
      assert.match(cli.stderr(), /^spanlens: .+\n[\s\S]*Usage:/);
      assert.equal(cli.stdout(), '');
    });
  }

  it('exits 2 when the workspace is not a directory', async () => {
    const cli = runCli(['receive', '--http-port', '0', '--grpc-port', '0', '--workspace', path.join(scratch, 'missing')]);
    assert.equal(await cli.exited, 2);
    assert.match(cli.stderr(), /not a directory/);
  });
});
