/**
 * A decode worker for the pool tests: the real decoder, except that a body starting with "DIE" kills the thread
 * mid-job (as an out-of-memory or a decoder crash would).
 */
import { parentPort } from 'node:worker_threads';
import { decodePayload } from '../../../src/receiver/decodePayload';
import type { DecodeJob } from '../../../src/receiver/decodeProtocol';

parentPort?.on('message', (job: DecodeJob) => {
  if (Buffer.from(job.body).subarray(0, 3).toString() === 'DIE') {
    process.exit(3);
  }
  parentPort?.postMessage(decodePayload(job));
});
