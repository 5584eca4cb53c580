import * as assert from 'node:assert/strict';
import { clientTarget, isLikelyOwnPeer, routeMatches, serverTarget, targetsAgree } from '../../../src/core/propagation/spanFacts';
import { CLIENT, ginServerAttributes, httpClientAttributes, SERVER, span } from './spanGraph';

describe('spanFacts', () => {
  const client = (url: string, method = 'GET') => clientTarget(span({ trace: 't', id: 'c', name: 'HTTP GET', service: 'order-service', kind: CLIENT, start: 0, duration: 1, attributes: httpClientAttributes(method, url) }));
  const server = (path: string, route = '/stock/:sku', method = 'GET') =>
    serverTarget(span({ trace: 't', id: 's', name: 'GET /stock/:sku', service: 'inventory-service', kind: SERVER, start: 0, duration: 1, attributes: ginServerAttributes('inventory-service', method, route, path, 8082) }));

  it('matches an otelhttp client span to the otelgin server span it called (port, path, route, method)', () => {
    assert.equal(targetsAgree(client('http://localhost:8082/stock/SKU-1'), server('/stock/SKU-1'), 'inventory-service'), true);
  });

  it('refuses another port, another path, another method', () => {
    assert.equal(targetsAgree(client('http://localhost:9999/stock/SKU-1'), server('/stock/SKU-1'), 'inventory-service'), false);
    assert.equal(targetsAgree(client('http://localhost:8082/reserve'), server('/stock/SKU-1'), 'inventory-service'), false);
    assert.equal(targetsAgree(client('http://localhost:8082/stock/SKU-1', 'POST'), server('/stock/SKU-1'), 'inventory-service'), false);
  });

  it('needs something to agree on', () => {
    assert.equal(targetsAgree({}, {}, 'inventory-service'), false);
    assert.equal(targetsAgree({ peerService: 'inventory-service' }, {}, 'inventory-service'), true);
  });

  it('reads routes in gin, OpenAPI and wildcard spellings', () => {
    assert.equal(routeMatches('/stock/:sku', '/stock/SKU-1'), true);
    assert.equal(routeMatches('/stock/{sku}', '/stock/SKU-1'), true);
    assert.equal(routeMatches('/files/*path', '/files/a/b'), true);
    assert.equal(routeMatches('/stock/:sku', '/stock/SKU-1/extra'), false);
    assert.equal(routeMatches('/a.b', '/axb'), false);
  });

  it('tells own peers from public APIs', () => {
    assert.equal(isLikelyOwnPeer(client('http://localhost:8082/x')), true);
    assert.equal(isLikelyOwnPeer(client('http://inventory:8082/x')), true);
    assert.equal(isLikelyOwnPeer(client('http://10.1.2.3:8082/x')), true);
    assert.equal(isLikelyOwnPeer(client('https://api.stripe.com/v1')), false);
  });
});
