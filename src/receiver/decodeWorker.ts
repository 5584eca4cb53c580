/** Worker thread entry: decodes request bodies off the main thread (bundled as dist/decodeWorker.js). */
import { parentPort } from 'node:worker_threads';
import { decodePayload } from './decodePayload';
import type { DecodeJob } from './decodeProtocol';

if (!parentPort) {
  throw new Error('decodeWorker must run in a worker thread');
}
const port = parentPort;
port.on('message', (job: DecodeJob) => {
  // Spans go back by structured clone, which keeps the shared Resource/scope objects shared.
  port.postMessage(decodePayload(job));
});
