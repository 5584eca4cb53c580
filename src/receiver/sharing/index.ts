/** Sharing one OTLP port between Span Lens processes (VS Code windows, `spanlens receive`); no `vscode` here. */
export { PortShare, PortHeldByOtherProgramError } from './portShare';
export type { PortShareOptions, ShareRole, FeedSpans, ShareCounters } from './portShare';
export { ForwardingDecodePool } from './forwardingDecodePool';
export { feedSocketPath } from './feedPath';
export type { FeedHello, FeedSubscribe } from './feedProtocol';
