/**
 * Wider HTTP/2 flow-control windows for the gRPC receiver.
 *
 * Why: grpc-js serves with HTTP/2's initial windows, 64 KiB per stream and per connection. An OTLP export of 512 spans
 * is ~150 KB, so every call stalls on WINDOW_UPDATE round trips, several per message, all calls of a channel
 * sharing one connection window: measured on two cores, the receiver sat 60 % idle while the exporter waited
 * (72k–84k spans/s; with these windows 95k–107k, and less CPU per span). grpc-go's server grows its windows to 16 MiB
 * (BDP probing); grpc-js has no server option for it, so the receiver sets them on each new HTTP/2 session.
 *
 * The receiver reads every DATA frame as it comes, so a wider window never lets unread bytes pile up; the message
 * size limit still applies after decompression.
 */
import type { Server } from '@grpc/grpc-js';
import type { Http2Server, ServerHttp2Session } from 'node:http2';

/** For the log when `widenFlowControlWindows` could not act: everything works, large exports just arrive slower. */
export const GRPC_DEFAULT_WINDOWS_NOTE =
  'OTLP/gRPC is served with HTTP/2 default flow-control windows (this @grpc/grpc-js does not expose its HTTP/2 servers as expected): large exports take extra round trips';

/** Per-stream window: a whole 512-span export, compressed or not, fits without a round trip. */
export const GRPC_STREAM_WINDOW_BYTES = 1024 * 1024;
/** Per-connection window: room for several concurrent exports on one channel. */
export const GRPC_CONNECTION_WINDOW_BYTES = 4 * 1024 * 1024;

/**
 * Widens the windows of every session the server accepts from now on. Call it once the server is bound (grpc-js
 * creates its HTTP/2 servers in `bindAsync`). Returns false, changing nothing, if this grpc-js does not expose them
 * the way the pinned version does (the receiver still works, at the default windows); a test pins that it does.
 */
export function widenFlowControlWindows(server: Server): boolean {
  // grpc-js keeps its HTTP/2 servers in a private map; nothing public reaches the sessions.
  const http2Servers = (server as unknown as { http2Servers?: unknown }).http2Servers;
  if (!(http2Servers instanceof Map) || http2Servers.size === 0) {
    return false;
  }
  for (const http2Server of http2Servers.keys() as IterableIterator<Http2Server>) {
    if (typeof http2Server?.on !== 'function') {
      return false;
    }
    http2Server.on('session', widenSession);
  }
  return true;
}

function widenSession(session: ServerHttp2Session): void {
  try {
    session.settings({ initialWindowSize: GRPC_STREAM_WINDOW_BYTES });
    session.setLocalWindowSize(GRPC_CONNECTION_WINDOW_BYTES);
  } catch {
    // A session torn down before its first frame: nothing to widen, and grpc-js handles the teardown.
  }
}
