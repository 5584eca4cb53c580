/** Worker thread entry: decodes request bodies off the main thread (bundled as dist/decodeWorker.js). */
import { parentPort } from 'node:worker_threads';
import { recycleTape } from '../core/otlp/spanTape';
import { decodePayload } from './decodePayload';
import { touchChunkPages } from '../core/model/tapeArena';
import type { WorkerMessage } from './decodeProtocol';

if (!parentPort) {
  throw new Error('decodeWorker must run in a worker thread');
}
const port = parentPort;
port.on('message', (message: WorkerMessage) => {
  if ('touch' in message) {
    touchChunkPages(message.touch);
    return;
  }
  const job = message;
  for (const tape of job.recycle ?? []) {
    recycleTape(tape);
  }
  const reply = decodePayload(job);
  // The span tape's memory is handed over, not copied; the rest (a clone fallback included) is small or rare.
  port.postMessage(reply, reply.ok && reply.transfer ? [reply.transfer.tape.buffer as ArrayBuffer] : []);
});
