import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import type { SourceLocation } from '../../../src/core/model/span';
import { SourceMapper, pickCandidate, serviceTokens } from '../../../src/core/source/sourceMapper';
import { WorkspaceIndex } from '../../../src/core/source/workspaceIndex';
import { copyShop, makeSpan, removeDir } from './fixtures';

describe('SourceMapper', function () {
  this.timeout(30_000);
  let root: string;
  let index: WorkspaceIndex;
  let mapper: SourceMapper;

  before(async () => {
    root = copyShop();
    index = new WorkspaceIndex({ roots: [root] });
    await index.indexAll();
    mapper = new SourceMapper(index);
  });
  after(() => {
    mapper.dispose();
    index.dispose();
    removeDir(root);
  });

  /** `relative/file:line via` for compact, exact assertions. */
  const show = (location: SourceLocation | undefined): string | undefined =>
    location && `${path.relative(root, location.file).split(path.sep).join('/')}:${location.line} ${location.via}`;
  const file = (relative: string): string => path.join(root, ...relative.split('/'));

  describe('code attributes', () => {
    it('stable semconv: container path resolved, line and column as sent', () => {
      const location = mapper.locate(
        makeSpan({ attributes: { 'code.file.path': '/app/internal/order/service.go', 'code.line.number': 21, 'code.column.number': 3 } }),
      );
      assert.deepEqual(location, { file: file('internal/order/service.go'), line: 21, column: 3, via: 'code-attributes' });
    });

    it('the same line is answered with one shared object; other lines and columns with their own', () => {
      const at = (line: number, column?: number) =>
        mapper.locate(makeSpan({ attributes: { 'code.file.path': '/app/internal/order/service.go', 'code.line.number': line, ...(column ? { 'code.column.number': column } : {}) } }));
      assert.equal(at(21, 3), at(21, 3));
      assert.equal(at(21), at(21));
      assert.notEqual(at(21), at(21, 3));
      assert.deepEqual([at(21), at(22), at(21, 4), at(21, 2_000_000)], [
        { file: file('internal/order/service.go'), line: 21, via: 'code-attributes' },
        { file: file('internal/order/service.go'), line: 22, via: 'code-attributes' },
        { file: file('internal/order/service.go'), line: 21, column: 4, via: 'code-attributes' },
        { file: file('internal/order/service.go'), line: 21, column: 2_000_000, via: 'code-attributes' },
      ]);
    });

    it('older semconv, Windows build path, line as a string', () => {
      const span = makeSpan({ attributes: { 'code.filepath': 'C:\\ci\\shop\\worker\\tasks.py', 'code.lineno': '8' } });
      assert.equal(show(mapper.locate(span)), 'worker/tasks.py:8 code-attributes');
    });

    it('wins over the span name', () => {
      const span = makeSpan({ name: 'order.create', attributes: { 'code.file.path': '/home/ci/build/shop/legacy/run.js', 'code.line.number': 6 } });
      assert.equal(show(mapper.locate(span)), 'legacy/run.js:6 code-attributes');
    });

    it('a file not in the workspace falls through to the next strategy, never outside', () => {
      const span = makeSpan({ name: 'order.create', attributes: { 'code.file.path': '/etc/passwd', 'code.line.number': 1 } });
      assert.equal(show(mapper.locate(span)), 'internal/order/service.go:20 span-name');
      assert.equal(mapper.locate(makeSpan({ name: 'nothing', attributes: { 'code.file.path': '/etc/passwd', 'code.line.number': 1 } })), undefined);
    });
  });

  describe('stack traces', () => {
    const exception = (stacktrace: string) => [{ name: 'exception', timeUnixMs: 0, attributes: { 'exception.stacktrace': stacktrace } }];

    it('Go exception event: the first user frame', () => {
      const trace = 'go.opentelemetry.io/otel/sdk/trace.recordStackTrace()\n\t/root/go/pkg/mod/go.opentelemetry.io/otel/sdk@v1.28.0/trace/span.go:494 +0x25\ngithub.com/acme/shop/internal/order.(*Service).Create(0xc0000a4000)\n\t/app/internal/order/service.go:22 +0x1d\n';
      assert.equal(show(mapper.locate(makeSpan({ name: 'unnamed', events: exception(trace) }))), 'internal/order/service.go:22 stacktrace');
    });

    it('Java: the package path picks the file', () => {
      const trace = 'java.lang.IllegalArgumentException: negative\n\tat com.acme.shop.billing.Billing.charge(Billing.java:17)\n';
      assert.equal(show(mapper.locate(makeSpan({ events: exception(trace) }))), 'billing/src/main/java/com/acme/shop/billing/Billing.java:17 stacktrace');
    });

    it('V8 code.stacktrace with a column; frames outside the workspace are passed over', () => {
      const trace = 'Error\n    at helper (/srv/app/lib/missing.ts:3:3)\n    at submit (/srv/app/web/checkout.ts:9:11)\n';
      const location = mapper.locate(makeSpan({ attributes: { 'code.stacktrace': trace } }));
      assert.deepEqual(location, { file: file('web/checkout.ts'), line: 9, column: 11, via: 'stacktrace' });
    });

    it('Python traceback: the innermost user frame', () => {
      const trace = 'Traceback (most recent call last):\n  File "/srv/shop/worker/tasks.py", line 8, in process\n    span.set_attribute("job.id", job.id)\n  File "/usr/lib/python3.12/site-packages/x/models.py", line 3, in id\nAttributeError: id\n';
      assert.equal(show(mapper.locate(makeSpan({ events: exception(trace) }))), 'worker/tasks.py:8 stacktrace');
    });
  });

  describe('span name', () => {
    it('maps to the call that starts the span', () => {
      const span = makeSpan({ name: 'order.create', serviceName: 'order-service', sdkLanguage: 'go' });
      assert.deepEqual(mapper.locate(span), { file: file('internal/order/service.go'), line: 20, column: 15, via: 'span-name' });
    });

    it('several candidates: the SDK language, then the service name in the path', () => {
      const process = (serviceName: string, sdkLanguage?: string) =>
        show(mapper.locate(makeSpan({ name: 'process', serviceName, sdkLanguage })));
      assert.equal(process('order-service', 'go'), 'internal/order/service.go:43 span-name');
      assert.equal(process('inventory-service', 'go'), 'internal/inventory/service.go:12 span-name');
      assert.equal(process('jobs', 'python'), 'worker/tasks.py:7 span-name');
      assert.equal(process('storefront', 'nodejs'), 'web/checkout.ts:15 span-name');
      assert.equal(process('worker'), 'worker/tasks.py:7 span-name');
      // Nothing to prefer: the first in (file, line) order.
      assert.equal(process('unrelated', 'go'), 'internal/inventory/service.go:12 span-name');
    });

    it('a name found only in another language than the SDK is not a match', () => {
      assert.equal(mapper.locate(makeSpan({ name: 'billing.charge', sdkLanguage: 'go' })), undefined);
      assert.equal(show(mapper.locate(makeSpan({ name: 'billing.charge', sdkLanguage: 'java' }))), 'billing/src/main/java/com/acme/shop/billing/Billing.java:14 span-name');
    });

    it('spans of instrumentation libraries are not matched by name', () => {
      const library = makeSpan({ name: 'order.create', sdkLanguage: 'go', scopeName: 'go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp' });
      assert.equal(mapper.locate(library), undefined);
      const own = makeSpan({ name: 'order.create', sdkLanguage: 'go', scopeName: 'order' });
      assert.equal(show(mapper.locate(own)), 'internal/order/service.go:20 span-name');
    });

    it('unknown names map nowhere', () => {
      assert.equal(mapper.locate(makeSpan({ name: 'GET /orders/:id', sdkLanguage: 'go' })), undefined);
    });
  });

  describe('code.function.name -> Go declaration', () => {
    it('stable attribute, closure in cmd/order main', () => {
      const span = makeSpan({ name: 'GET /orders', sdkLanguage: 'go', attributes: { 'code.function.name': 'github.com/acme/shop/cmd/order.main.func1' } });
      assert.deepEqual(mapper.locate(span), { file: file('cmd/order/main.go'), line: 7, column: 1, via: 'function-name' });
    });

    it('older code.namespace + code.function', () => {
      const span = makeSpan({ name: 'op', attributes: { 'code.namespace': 'github.com/acme/shop/internal/order', 'code.function': '(*Service).Create' } });
      assert.equal(show(mapper.locate(span)), 'internal/order/service.go:19 function-name');
    });

    it('main.handle picks the main package of the service', () => {
      const span = (serviceName: string) => makeSpan({ name: 'h', serviceName, sdkLanguage: 'go', attributes: { 'code.function.name': 'main.handle' } });
      assert.equal(show(mapper.locate(span('inventory-service'))), 'cmd/inventory/main.go:9 function-name');
      assert.equal(show(mapper.locate(span('order-service'))), 'cmd/order/main.go:14 function-name');
    });

    it('not for other languages', () => {
      const span = makeSpan({ name: 'x', sdkLanguage: 'java', attributes: { 'code.function.name': 'main.handle' } });
      assert.equal(mapper.locate(span), undefined);
    });
  });

  describe('keeping current', () => {
    it('the cached location moves when the index changes', async () => {
      const span = makeSpan({ name: 'legacy.run', serviceName: 'legacy', sdkLanguage: 'nodejs' });
      assert.equal(show(mapper.locate(span)), 'legacy/run.js:6 span-name');
      const run = file('legacy/run.js');
      await index.updateFile(run, `// moved\n${fs.readFileSync(run, 'utf8')}`);
      assert.equal(show(mapper.locate(span)), 'legacy/run.js:7 span-name');
      index.removeFile(run);
      assert.equal(mapper.locate(span), undefined);
    });

    it('spans of one batch (one Resource object) are each mapped by their own name, scope and function', () => {
      const first = makeSpan({ name: 'order.create', serviceName: 'order-service', sdkLanguage: 'go' });
      const batch = (input: Parameters<typeof makeSpan>[0]) => ({ ...makeSpan(input), resource: first.resource });
      const spans = [
        first,
        batch({ name: 'process' }),
        batch({ name: 'order.create', scopeName: 'go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp' }),
        batch({ name: 'nothing.here' }),
        batch({ name: 'h', attributes: { 'code.function.name': 'main.handle' } }),
        batch({ name: 'h', attributes: { 'code.function.name': 'github.com/acme/shop/cmd/order.main.func1' } }),
        batch({ name: 'order.create' }),
      ];
      // Twice: the second round is answered from the batch's cache, and must say the same.
      for (let round = 0; round < 2; round++) {
        assert.deepEqual(spans.map((span) => show(mapper.locate(span))), [
          'internal/order/service.go:20 span-name',
          'internal/order/service.go:43 span-name',
          undefined,
          undefined,
          'cmd/order/main.go:14 function-name',
          'cmd/order/main.go:7 function-name',
          'internal/order/service.go:20 span-name',
        ]);
      }
    });

    it('path mappings set later apply at once', () => {
      const span = makeSpan({ attributes: { 'code.file.path': '/builds/x/main.go', 'code.line.number': 9 } });
      // Two main.go files, and the telemetry path names neither: unmapped until a mapping says which.
      assert.equal(mapper.locate(span), undefined);
      index.setPathMappings([{ from: '/builds/x', to: '${workspaceFolder}/cmd/inventory' }]);
      assert.equal(show(mapper.locate(span)), 'cmd/inventory/main.go:9 code-attributes');
      index.setPathMappings([]);
    });
  });
});

describe('candidate preference', () => {
  const c = (file: string, language: 'go' | 'python' = 'go') => ({ file, line: 1, column: 1, language });

  it('service tokens drop generic words', () => {
    assert.deepEqual(serviceTokens('order-service'), ['order']);
    assert.deepEqual(serviceTokens('Inventory_API'), ['inventory']);
    assert.deepEqual(serviceTokens('checkout.frontend.svc'), ['checkout', 'frontend']);
  });

  it('the full service name beats a single token', () => {
    const candidates = [c('/ws/payments/order/a.go'), c('/ws/order-service/a.go')];
    assert.equal(pickCandidate(candidates, 'order-service', 'go')?.file, '/ws/order-service/a.go');
  });

  it('keeps the first on a tie, drops other languages', () => {
    const candidates = [c('/ws/a.py', 'python'), c('/ws/b.go'), c('/ws/c.go')];
    assert.equal(pickCandidate(candidates, 'x', 'go')?.file, '/ws/b.go');
    assert.equal(pickCandidate(candidates, 'x', undefined)?.file, '/ws/a.py');
    assert.equal(pickCandidate([c('/ws/a.py', 'python')], 'x', 'go'), undefined);
  });
});
