import { grpcWithoutOtelgrpc } from '../../../src/core/analysis/rules/grpcWithoutOtelgrpc';
import { describeRuleSuite } from './support/ruleSuite';

describeRuleSuite(grpcWithoutOtelgrpc, 'grpc-without-otelgrpc');
