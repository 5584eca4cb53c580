/**
 * The transport ceiling for the peer bench: a `node:http` server that reads each OTLP/HTTP request body whole and
 * answers 200 with an empty ExportTraceServiceResponse, decoding and keeping nothing. Run as its own process:
 * `node bareHttpServer.js <port>`; prints "listening" once bound, exits on SIGTERM/SIGINT.
 */
import * as http from 'node:http';

const port = Number(process.argv[2]);
const server = http.createServer((req, res) => {
  // Read every byte, as a receiver must, and drop it.
  req.on('data', () => undefined);
  req.on('end', () => {
    // An empty protobuf message is zero bytes: the exporter reads it as full success.
    res.writeHead(req.method === 'POST' ? 200 : 405, { 'content-type': 'application/x-protobuf', 'content-length': 0 });
    res.end();
  });
});
server.keepAliveTimeout = 60_000;
server.listen(port, '127.0.0.1', () => process.stdout.write('listening\n'));
const stop = (): void => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
