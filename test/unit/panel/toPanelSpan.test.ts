import * as assert from 'node:assert/strict';
import { Span, SpanKind } from '../../../src/core/model/span';
import { MAX_VALUE_CHARS, toPanelBrokenLinks, toPanelSpan, transportOf } from '../../../src/core/panel/toPanelSpan';
import { isHostMessage, SESSION_RESOURCE_ATTRIBUTE } from '../../../src/core/panel/protocol';
import { Finding } from '../../../src/core/propagation/findingTypes';
import { makeSpan, NameTableLocator, spanId, traceId } from '../model/modelFixtures';

const noSource = (): undefined => undefined;
const relative = (file: string): string => file.replace('/ws/', '');

function withKind(kind: SpanKind, attributes: Span['attributes']): Span {
  const span = makeSpan({ trace: 1, id: 1 });
  span.kind = kind;
  span.attributes = attributes;
  return span;
}

describe('core/panel/toPanelSpan', () => {
  it('copies identity, timing, status and service, and places the span with the locator', () => {
    const span = makeSpan({ trace: 7, id: 2, parent: 1, name: 'GET /orders', service: 'order', startMs: 1000, durationMs: 12.5, error: true });
    span.kind = SpanKind.Server;
    const locator = new NameTableLocator({ 'GET /orders': { file: '/ws/order/handler.go', line: 42 } });
    const panel = toPanelSpan(span, (s) => locator.locate(s), relative);
    assert.equal(panel.traceId, traceId(7));
    assert.equal(panel.spanId, spanId(2));
    assert.equal(panel.parentSpanId, spanId(1));
    assert.equal(panel.name, 'GET /orders');
    assert.equal(panel.service, 'order');
    assert.equal(panel.kind, 2);
    assert.equal(panel.startUnixMs, 1000);
    assert.equal(panel.durationMs, 12.5);
    assert.equal(panel.status, 2);
    assert.equal(panel.statusMessage, 'failed');
    assert.deepEqual(panel.source, { file: '/ws/order/handler.go', line: 42, label: 'order/handler.go:42' });
    assert.equal(panel.sessionId, undefined);
  });

  it('has no source when the locator finds none or throws', () => {
    const span = makeSpan({ trace: 1, id: 1 });
    assert.equal(toPanelSpan(span, noSource, relative).source, undefined);
    const throwing = toPanelSpan(
      span,
      () => {
        throw new Error('mapper bug');
      },
      relative,
    );
    assert.equal(throwing.source, undefined);
    assert.equal(throwing.spanId, spanId(1));
  });

  it('stringifies attribute values: strings as they are, numbers, booleans and null as text, arrays and maps as JSON', () => {
    const span = makeSpan({ trace: 1, id: 1 });
    span.attributes = {
      'http.route': '/orders/:id',
      count: 3,
      ratio: 0.5,
      retry: false,
      nothing: null,
      tags: ['a', 'b'],
      nested: { k: [1, { x: 'y' }] },
      html: '<img src=x onerror=alert(1)>',
    };
    assert.deepEqual(toPanelSpan(span, noSource, relative).attributes, [
      ['http.route', '/orders/:id'],
      ['count', '3'],
      ['ratio', '0.5'],
      ['retry', 'false'],
      ['nothing', 'null'],
      ['tags', '["a","b"]'],
      ['nested', '{"k":[1,{"x":"y"}]}'],
      ['html', '<img src=x onerror=alert(1)>'],
    ]);
  });

  it('truncates long values with an ellipsis, without splitting a surrogate pair', () => {
    const span = makeSpan({ trace: 1, id: 1 });
    const long = 'x'.repeat(MAX_VALUE_CHARS + 10);
    const emojiAtCut = `${'y'.repeat(MAX_VALUE_CHARS - 1)}😀tail`;
    span.attributes = { long, exact: 'z'.repeat(MAX_VALUE_CHARS), emoji: emojiAtCut, list: [long] };
    span.name = long;
    const panel = toPanelSpan(span, noSource, relative);
    const values = new Map(panel.attributes);
    assert.equal(values.get('long'), `${'x'.repeat(MAX_VALUE_CHARS)}…`);
    assert.equal(values.get('exact'), 'z'.repeat(MAX_VALUE_CHARS));
    assert.equal(values.get('emoji'), `${'y'.repeat(MAX_VALUE_CHARS - 1)}…`);
    assert.equal(values.get('list')?.length, MAX_VALUE_CHARS + 1);
    assert.ok(values.get('list')?.startsWith('["xxx'));
    assert.equal(panel.name.length, MAX_VALUE_CHARS + 1);
  });

  it('leaves resource attributes out and reads the debug session from the resource', () => {
    const span = makeSpan({ trace: 1, id: 1 });
    span.resource = { serviceName: 'order', attributes: { 'service.name': 'order', [SESSION_RESOURCE_ATTRIBUTE]: 'sess-3', 'host.name': 'box' } };
    span.attributes = { own: 'yes' };
    const panel = toPanelSpan(span, noSource, relative);
    assert.equal(panel.sessionId, 'sess-3');
    assert.deepEqual(panel.attributes, [['own', 'yes']]);
  });

  it('ignores a session attribute that is not a non-empty string', () => {
    const span = makeSpan({ trace: 1, id: 1 });
    span.resource = { serviceName: 'order', attributes: { [SESSION_RESOURCE_ATTRIBUTE]: 42 } };
    assert.equal(toPanelSpan(span, noSource, relative).sessionId, undefined);
    span.resource = { serviceName: 'order', attributes: { [SESSION_RESOURCE_ATTRIBUTE]: '' } };
    assert.equal(toPanelSpan(span, noSource, relative).sessionId, undefined);
  });

  it('converts events to offsets from the span start and keeps links with their attributes', () => {
    const span = makeSpan({ trace: 1, id: 1, startMs: 5000 });
    span.events = [{ name: 'exception', timeUnixMs: 5003.25, attributes: { 'exception.message': 'boom', 'exception.escaped': true } }];
    span.links = [{ traceId: traceId(9), spanId: spanId(8), traceState: '', attributes: { 'link.kind': 'follows' } }];
    const panel = toPanelSpan(span, noSource, relative);
    assert.deepEqual(panel.events, [
      {
        name: 'exception',
        offsetMs: 3.25,
        attributes: [
          ['exception.message', 'boom'],
          ['exception.escaped', 'true'],
        ],
      },
    ]);
    assert.deepEqual(panel.links, [{ traceId: traceId(9), spanId: spanId(8), attributes: [['link.kind', 'follows']] }]);
  });

  it('is a valid payload of a spans message', () => {
    const panel = toPanelSpan(makeSpan({ trace: 1, id: 1 }), noSource, relative);
    assert.ok(isHostMessage({ type: 'spans', spans: [panel] }));
    assert.deepEqual(JSON.parse(JSON.stringify(panel)), panel);
  });
});

describe('core/panel/transportOf', () => {
  it('detects HTTP from current and older semantic conventions', () => {
    assert.equal(transportOf(withKind(SpanKind.Client, { 'http.request.method': 'GET', 'url.full': 'http://x/y' })), 'http');
    assert.equal(transportOf(withKind(SpanKind.Client, { 'http.method': 'POST', 'http.url': 'http://x/y' })), 'http');
    assert.equal(transportOf(withKind(SpanKind.Server, { 'http.route': '/orders/:id' })), 'http');
    assert.equal(transportOf(withKind(SpanKind.Client, { 'url.full': 'http://x/y' })), 'http');
  });

  it('detects gRPC, messaging and databases, in both generations', () => {
    assert.equal(transportOf(withKind(SpanKind.Client, { 'rpc.system': 'grpc', 'rpc.service': 'Inventory' })), 'grpc');
    assert.equal(transportOf(withKind(SpanKind.Server, { 'rpc.system.name': 'grpc' })), 'grpc');
    assert.equal(transportOf(withKind(SpanKind.Producer, { 'messaging.system': 'nats' })), 'messaging');
    assert.equal(transportOf(withKind(SpanKind.Consumer, { 'messaging.system': 'kafka' })), 'messaging');
    assert.equal(transportOf(withKind(SpanKind.Client, { 'db.system': 'postgresql' })), 'db');
    assert.equal(transportOf(withKind(SpanKind.Client, { 'db.system.name': 'postgresql' })), 'db');
  });

  it('prefers the more specific protocol over the HTTP attributes of its carrier', () => {
    assert.equal(transportOf(withKind(SpanKind.Client, { 'rpc.system': 'grpc', 'http.method': 'POST' })), 'grpc');
    assert.equal(transportOf(withKind(SpanKind.Producer, { 'messaging.system': 'aws_sqs', 'url.full': 'https://sqs/q' })), 'messaging');
  });

  it('says nothing for in-process spans, unknown protocols and empty values', () => {
    assert.equal(transportOf(withKind(SpanKind.Internal, { 'http.method': 'GET' })), '');
    assert.equal(transportOf(withKind(SpanKind.Unspecified, { 'db.system': 'redis' })), '');
    assert.equal(transportOf(withKind(SpanKind.Client, { 'peer.service': 'x' })), '');
    assert.equal(transportOf(withKind(SpanKind.Client, { 'rpc.system': '', 'db.system': null })), '');
  });
});

describe('core/panel/toPanelBrokenLinks', () => {
  const evidence = (role: 'caller' | 'callee', trace: number, id: number) => ({
    role,
    traceId: traceId(trace),
    spanId: spanId(id),
    service: 'order',
    name: 'op',
    startTimeUnixMs: 0,
    durationMs: 1,
  });
  const finding = (location: Finding['location']): Finding => ({
    id: 'disconnected-server:/ws/order/client.go:10',
    kind: 'disconnected-server',
    code: 'SL102',
    location,
    message: 'inventory started a new trace',
    why: 'why',
    confidence: 0.5,
    occurrences: 2,
    traceIds: [traceId(1), traceId(2)],
    evidence: [evidence('caller', 1, 5), evidence('callee', 2, 6)],
    firstSeenUnixMs: 0,
    lastSeenUnixMs: 0,
  });

  it('keeps the finding identity, message, workspace-relative blame and evidence spans', () => {
    const [link] = toPanelBrokenLinks([finding({ file: '/ws/order/client.go', line: 10, via: 'code-attributes' })], relative);
    assert.deepEqual(link, {
      id: 'disconnected-server:/ws/order/client.go:10',
      kind: 'disconnected-server',
      code: 'SL102',
      message: 'inventory started a new trace',
      blame: 'order/client.go:10',
      evidence: [
        { role: 'caller', traceId: traceId(1), spanId: spanId(5) },
        { role: 'callee', traceId: traceId(2), spanId: spanId(6) },
      ],
    });
  });

  it('has no blame when the finding has no line', () => {
    const [link] = toPanelBrokenLinks([finding(undefined)], relative);
    assert.equal('blame' in link, false);
    assert.ok(isHostMessage({ type: 'brokenLinks', brokenLinks: [link] }));
  });
});
