import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Attributes, Resource, Span, SpanEvent } from '../../../src/core/model/span';

/** The fixture workspace in the repo (read-only in tests). */
export const SHOP = path.resolve(__dirname, '../../../../test/fixtures/source/shop');

export function shopFile(relative: string): string {
  return path.join(SHOP, ...relative.split('/'));
}

/** A writable copy of the fixture workspace, plus a node_modules dir (git ignores those, so it is made here). */
export function copyShop(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'span-lens-source-'));
  fs.cpSync(SHOP, dir, { recursive: true });
  const nodeModules = path.join(dir, 'web', 'node_modules', 'lib');
  fs.mkdirSync(nodeModules, { recursive: true });
  fs.writeFileSync(path.join(nodeModules, 'index.js'), "tracer.startSpan('from.node_modules');\n");
  return dir;
}

export function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

interface SpanInput {
  name?: string;
  attributes?: Attributes;
  events?: SpanEvent[];
  serviceName?: string;
  sdkLanguage?: string;
  scopeName?: string;
}

export function makeSpan(input: SpanInput = {}): Span {
  const serviceName = input.serviceName ?? 'unknown_service';
  const resourceAttributes: Attributes = { 'service.name': serviceName };
  if (input.sdkLanguage !== undefined) resourceAttributes['telemetry.sdk.language'] = input.sdkLanguage;
  const resource: Resource = { serviceName, attributes: resourceAttributes };
  return {
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: 'b7ad6b7169203331',
    parentSpanId: '',
    traceState: '',
    name: input.name ?? 'span',
    kind: 1,
    startTimeUnixMs: 1_700_000_000_000,
    durationMs: 1.5,
    attributes: input.attributes ?? {},
    events: input.events ?? [],
    links: [],
    status: { code: 0, message: '' },
    resource,
    scope: { name: input.scopeName ?? 'test', version: '' },
  };
}
