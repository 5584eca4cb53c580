/** The span model, the span store with trace assembly, and per-location statistics. */
export * from './span';
export { QuantileSketch, SKETCH_ZERO_THRESHOLD } from './quantileSketch';
export type { QuantileSketchOptions } from './quantileSketch';
export { LocationStats, DEFAULT_RECENT_SPANS_PER_LOCATION, MAX_DISTINCT_NAMES } from './locationStats';
export type { LocationStatsSnapshot } from './locationStats';
export { assembleTrace } from './traceAssembly';
export type { AssembledTrace, TraceNode } from './traceAssembly';
export type { SpanPack } from './spanPack';
export { SpanStore } from './spanStore';
export type { SpanStoreOptions, StoreChange, StoreTotals } from './spanStore';
