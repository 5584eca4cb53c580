import type { GoRule } from '../goRule';
import { goroutineBackgroundContext } from './goroutineBackgroundContext';
import { goroutineRequestContext } from './goroutineRequestContext';
import { httpRequestWithoutContext } from './httpRequestWithoutContext';
import { httpUninstrumentedClient } from './httpUninstrumentedClient';
import { noTextMapPropagator } from './noTextMapPropagator';
import { spanNotEnded } from './spanNotEnded';
import { spanContextDiscarded } from './spanContextDiscarded';
import { spanErrorNotRecorded } from './spanErrorNotRecorded';
import { otelginMiddlewareOrder } from './otelginMiddlewareOrder';
import { ginContextInGoroutine } from './ginContextInGoroutine';
import { ginContextAsContext } from './ginContextAsContext';
import { publishWithoutInject } from './publishWithoutInject';
import { consumeWithoutExtract } from './consumeWithoutExtract';
import { grpcWithoutOtelgrpc } from './grpcWithoutOtelgrpc';

/** Every Go rule, in code order. One line per rule: two people append here. */
export const ALL_GO_RULES: GoRule[] = [
  goroutineBackgroundContext,
  goroutineRequestContext,
  httpRequestWithoutContext,
  httpUninstrumentedClient,
  otelginMiddlewareOrder,
  ginContextInGoroutine,
  ginContextAsContext,
  spanNotEnded,
  spanContextDiscarded,
  spanErrorNotRecorded,
  publishWithoutInject,
  consumeWithoutExtract,
  noTextMapPropagator,
  grpcWithoutOtelgrpc,
];
