import * as assert from 'node:assert/strict';
import { spanStackTraces, userFrames } from '../../../src/core/source/stackTraces';
import { makeSpan } from './fixtures';

const GO_TRACE = [
  'goroutine 23 [running]:',
  'runtime/debug.Stack()',
  '\t/usr/local/go/src/runtime/debug/stack.go:26 +0x5e',
  'go.opentelemetry.io/otel/sdk/trace.recordStackTrace()',
  '\t/root/go/pkg/mod/go.opentelemetry.io/otel/sdk@v1.28.0/trace/span.go:494 +0x25',
  'go.opentelemetry.io/otel/sdk/trace.(*recordingSpan).RecordError(0xc0001b2000, {0x9a3f20, 0xc000012345}, {0x0, 0x0, 0x0})',
  '\t/root/go/pkg/mod/go.opentelemetry.io/otel/sdk@v1.28.0/trace/span.go:447 +0x2b4',
  'github.com/acme/shop/internal/order.(*Service).Create(0xc0000a4000, {0x9a8b10, 0xc0001a0000}, {0x8f1b2a, 0x3})',
  '\t/app/internal/order/service.go:22 +0x1d',
  'net/http.HandlerFunc.ServeHTTP(0x0?, {0x9a7e00?, 0xc0001c4000?}, 0x0?)',
  '\tnet/http/server.go:2171 +0x29',
  'created by net/http.(*Server).Serve in goroutine 1',
  '\t/usr/local/go/src/net/http/server.go:3285 +0x4b4',
].join('\n');

const JAVA_TRACE = [
  'java.lang.IllegalArgumentException: negative',
  '\tat java.base/java.util.Objects.requireNonNull(Objects.java:233)',
  '\tat io.opentelemetry.sdk.trace.SdkSpan.recordException(SdkSpan.java:480)',
  '\tat com.acme.shop.billing.Billing.charge(Billing.java:17)',
  '\tat com.acme.shop.billing.Billing$Retry.lambda$run$0(Billing.java:40)',
  '\tat java.base/java.lang.Thread.run(Thread.java:833)',
].join('\n');

const PYTHON_TRACE = [
  'Traceback (most recent call last):',
  '  File "/usr/lib/python3.12/site-packages/opentelemetry/trace/__init__.py", line 589, in use_span',
  '    yield span',
  '  File "/srv/worker/tasks.py", line 8, in process',
  '    span.set_attribute("job.id", job.id)',
  '  File "/srv/worker/models.py", line 31, in id',
  '    raise AttributeError("id")',
  '  File "<frozen importlib._bootstrap>", line 1, in <module>',
  'AttributeError: id',
].join('\n');

const V8_TRACE = [
  'Error: card declined',
  '    at Object.charge (node:internal/process/task_queues:95:5)',
  '    at Tracer.startActiveSpan (/srv/app/node_modules/@opentelemetry/sdk-trace-base/build/src/Tracer.js:121:32)',
  '    at submit (/srv/app/web/checkout.ts:9:11)',
  '    at /srv/app/web/checkout.ts:3:1',
  '    at async Promise.all (index 0)',
].join('\n');

describe('userFrames', () => {
  it('Go: skips the runtime, the OpenTelemetry SDK and the module cache, keeps the function name', () => {
    const frames = userFrames(GO_TRACE);
    assert.deepEqual(frames[0], {
      file: '/app/internal/order/service.go',
      line: 22,
      function: 'github.com/acme/shop/internal/order.(*Service).Create',
    });
    // The standard library is left out even with -trimpath (net/http/server.go has no GOROOT prefix).
    assert.equal(frames.length, 1);
  });

  it('Go: vendored code is not user code', () => {
    const trace = 'github.com/other/lib.Do()\n\t/app/vendor/github.com/other/lib/lib.go:6 +0x10\nmain.handle()\n\t/app/cmd/order/main.go:15 +0x22';
    assert.deepEqual(userFrames(trace), [{ file: '/app/cmd/order/main.go', line: 15, function: 'main.handle' }]);
  });

  it('Java: skips the JDK and OpenTelemetry, derives package directories from the class name', () => {
    const frames = userFrames(JAVA_TRACE);
    assert.deepEqual(frames[0], {
      file: 'com/acme/shop/billing/Billing.java',
      line: 17,
      function: 'com.acme.shop.billing.Billing.charge',
    });
    assert.equal(frames[1].file, 'com/acme/shop/billing/Billing.java');
    assert.equal(frames[1].line, 40);
    assert.equal(frames.length, 2);
  });

  it('Python: innermost user frame first (Python prints it last), site-packages and frozen frames skipped', () => {
    const frames = userFrames(PYTHON_TRACE);
    assert.deepEqual(
      frames.map((f) => [f.file, f.line, f.function]),
      [
        ['/srv/worker/models.py', 31, 'id'],
        ['/srv/worker/tasks.py', 8, 'process'],
      ],
    );
  });

  it('V8: skips node:internal and node_modules, reads line and column, named and anonymous frames', () => {
    const frames = userFrames(V8_TRACE);
    assert.deepEqual(frames, [
      { file: '/srv/app/web/checkout.ts', line: 9, column: 11, function: 'submit' },
      { file: '/srv/app/web/checkout.ts', line: 3, column: 1 },
    ]);
  });

  it('V8: file URLs (ES modules) and Windows paths', () => {
    const frames = userFrames(
      '    at run (file:///srv/app/legacy/run.mjs:6:16)\n    at C:\\build\\app\\legacy\\run.js:7:3',
    );
    assert.deepEqual(
      frames.map((f) => [f.file, f.line, f.column]),
      [
        ['/srv/app/legacy/run.mjs', 6, 16],
        ['C:\\build\\app\\legacy\\run.js', 7, 3],
      ],
    );
  });

  it('finds nothing in text that is not a stack trace', () => {
    assert.deepEqual(userFrames('something went wrong: connection refused'), []);
  });
});

describe('spanStackTraces', () => {
  it('code.stacktrace first, then each exception event', () => {
    const span = makeSpan({
      attributes: { 'code.stacktrace': 'own' },
      events: [
        { name: 'log', timeUnixMs: 0, attributes: { 'exception.stacktrace': 'not an exception event' } },
        { name: 'exception', timeUnixMs: 0, attributes: { 'exception.stacktrace': 'first' } },
        { name: 'exception', timeUnixMs: 0, attributes: { 'exception.message': 'no trace' } },
        { name: 'exception', timeUnixMs: 0, attributes: { 'exception.stacktrace': 'second' } },
      ],
    });
    assert.deepEqual(spanStackTraces(span), ['own', 'first', 'second']);
  });
});
