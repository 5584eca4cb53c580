/**
 * A DecodePool that also hands each successfully decoded request body to a tap (the owner's feed). Both receivers
 * (OTLP/HTTP and OTLP/gRPC) decode every body they accept through their pool, so this one place sees them all,
 * without the receivers knowing about sharing. The body is copied only while someone subscribes: the pool gives
 * the original to its worker.
 */
import { DecodeOutcome, DecodePool } from '../decodePool';
import type { PayloadEncoding } from '../decodeProtocol';
import type { FeedBatch } from './feedProtocol';

export interface DecodeTap {
  /** Whether bodies are wanted now (any subscriber); nothing is copied otherwise. */
  readonly wanted: boolean;
  forward(batch: FeedBatch): void;
}

export class ForwardingDecodePool extends DecodePool {
  private tap: DecodeTap | undefined;

  setTap(tap: DecodeTap | undefined): void {
    this.tap = tap;
  }

  override async decode(body: Uint8Array, encoding: PayloadEncoding, gzip: boolean, maxBytes: number): Promise<DecodeOutcome> {
    const tap = this.tap;
    if (!tap?.wanted) {
      return super.decode(body, encoding, gzip, maxBytes);
    }
    const copy = Buffer.from(body);
    const outcome = await super.decode(body, encoding, gzip, maxBytes);
    // Only what this process accepted goes out, before its client is answered: subscribers see exactly our spans.
    if (outcome.ok && outcome.spans.length > 0) {
      tap.forward({ encoding, gzip, body: copy });
    }
    return outcome;
  }

  /** Decodes a body that came from the feed: never forwarded again. */
  decodeFromFeed(body: Uint8Array, encoding: PayloadEncoding, gzip: boolean, maxBytes: number): Promise<DecodeOutcome> {
    return super.decode(body, encoding, gzip, maxBytes);
  }
}
