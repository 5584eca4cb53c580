import * as assert from 'node:assert/strict';
import * as path from 'path';
import { PathResolver } from '../../../src/core/source/pathResolver';

const WS = path.resolve('/ws/shop');
const file = (relative: string): string => path.join(WS, ...relative.split('/'));

const FILES = [
  'go.mod',
  'internal/order/service.go',
  'internal/inventory/service.go',
  'cmd/order/main.go',
  'cmd/inventory/main.go',
  'pkg/shop/internal/order/service.go',
  'billing/src/main/java/com/acme/shop/billing/Billing.java',
  'worker/tasks.py',
];

function resolver(mappings: Array<{ from: string; to: string }> = []): PathResolver {
  const r = new PathResolver([WS], mappings);
  for (const f of FILES) r.addFile(file(f));
  return r;
}

describe('PathResolver', () => {
  it('resolves a container path by its longest suffix', () => {
    assert.equal(resolver().resolve('/app/internal/order/service.go'), file('internal/order/service.go'));
    assert.equal(resolver().resolve('/app/internal/inventory/service.go'), file('internal/inventory/service.go'));
  });

  it('resolves a CI checkout path whose suffix goes deeper than the workspace', () => {
    const r = resolver();
    assert.equal(r.resolve('/home/ci/build/shop/internal/order/service.go'), file('internal/order/service.go'));
    // Four segments match pkg/shop/internal/order/service.go: longer than the three of internal/order/service.go.
    assert.equal(r.resolve('/home/ci/build/pkg/shop/internal/order/service.go'), file('pkg/shop/internal/order/service.go'));
  });

  it('prefers the exact file over a longer-path file with the same suffix', () => {
    assert.equal(resolver().resolve(file('internal/order/service.go')), file('internal/order/service.go'));
    assert.equal(resolver().resolve('internal/order/service.go'), file('internal/order/service.go'));
  });

  it('prefers, among equally long suffixes, the file whose whole workspace path matched', () => {
    const forward = resolver();
    // internal/order/service.go and pkg/shop/internal/order/service.go both share three segments; only the first is whole.
    assert.equal(forward.resolve('/app/internal/order/service.go'), file('internal/order/service.go'));
    const backward = new PathResolver([WS]);
    for (const f of [...FILES].reverse()) backward.addFile(file(f));
    assert.equal(backward.resolve('/app/internal/order/service.go'), file('internal/order/service.go'));
  });

  it('answers nothing when the telemetry path cannot tell files apart', () => {
    // Three segments of /somewhere/else/main.go: only the name matches, and two files carry it.
    assert.equal(resolver().resolve('/somewhere/else/main.go'), undefined);
    assert.equal(resolver().resolve('/x/service.go'), undefined);
    assert.equal(resolver().resolve('/work/test/go-exportcheck/main.go'), undefined);
    // A unique name still resolves on the name alone.
    assert.equal(resolver().resolve('/elsewhere/Billing.java'), file('billing/src/main/java/com/acme/shop/billing/Billing.java'));
  });

  it('normalizes Windows backslashes and drive letters', () => {
    const r = resolver();
    assert.equal(r.resolve('C:\\build\\shop\\internal\\inventory\\service.go'), file('internal/inventory/service.go'));
    assert.equal(r.resolve('file:///C:/build/shop/worker/tasks.py'), file('worker/tasks.py'));
  });

  it('falls back to a case-insensitive match (paths from Windows builds)', () => {
    assert.equal(resolver().resolve('C:\\Build\\Worker\\Tasks.py'), file('worker/tasks.py'));
  });

  it('applies user mappings first, with ${workspaceFolder}', () => {
    const r = resolver([{ from: '/src/github.com/acme/shop', to: '${workspaceFolder}/pkg/shop' }]);
    // Without the mapping the longest suffix would be internal/order/service.go.
    assert.equal(r.resolve('/src/github.com/acme/shop/internal/order/service.go'), file('pkg/shop/internal/order/service.go'));
    assert.equal(resolver().resolve('/src/github.com/acme/shop/internal/order/service.go'), file('internal/order/service.go'));
  });

  it('a mapping with Windows separators on either side', () => {
    const r = resolver([{ from: 'D:\\agent\\work\\svc-b\\', to: '${workspaceFolder}\\cmd\\inventory' }]);
    assert.equal(r.resolve('D:\\agent\\work\\svc-b\\main.go'), file('cmd/inventory/main.go'));
    // Unmapped, two main.go files tie on the name alone: no answer.
    assert.equal(resolver().resolve('D:\\agent\\work\\svc-b\\main.go'), undefined);
  });

  it('never answers with a file outside the workspace roots', () => {
    const r = resolver([{ from: '/app', to: '/etc' }]);
    r.addFile('/etc/passwd');
    r.addFile(path.resolve(WS, '..', 'secrets', 'service.go'));
    assert.equal(r.resolve('/etc/passwd'), undefined);
    assert.equal(r.resolve('/app/passwd'), undefined);
    // Only the name is left after the last `..`, and three files carry it: no answer, and never the outside file.
    assert.equal(r.resolve('../secrets/service.go'), undefined);
    assert.equal(r.resolve('../secrets/tasks.py'), file('worker/tasks.py'));
    assert.equal(r.resolve('../../../../etc/passwd'), undefined);
    assert.equal(r.has('/etc/passwd'), false);
  });

  it('relative paths with .. cannot escape: only the part after the last .. is matched', () => {
    assert.equal(resolver().resolve('internal/../../outside/worker/tasks.py'), file('worker/tasks.py'));
  });

  it('returns undefined when no file has that name', () => {
    assert.equal(resolver().resolve('/app/internal/order/handler.go'), undefined);
    assert.equal(resolver().resolve(''), undefined);
  });

  it('forgets removed files (and its cache with them)', () => {
    const r = resolver();
    assert.equal(r.resolve('/app/worker/tasks.py'), file('worker/tasks.py'));
    r.removeFile(file('worker/tasks.py'));
    assert.equal(r.resolve('/app/worker/tasks.py'), undefined);
  });

  it('works across several roots', () => {
    const other = path.resolve('/ws/tools');
    const r = new PathResolver([WS, other]);
    r.addFile(file('worker/tasks.py'));
    r.addFile(path.join(other, 'gen', 'gen.go'));
    assert.equal(r.resolve('/build/tools/gen/gen.go'), path.join(other, 'gen', 'gen.go'));
    assert.equal(r.resolve('/build/worker/tasks.py'), file('worker/tasks.py'));
  });
});
