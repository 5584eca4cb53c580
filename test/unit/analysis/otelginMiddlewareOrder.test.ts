import { otelginMiddlewareOrder } from '../../../src/core/analysis/rules/otelginMiddlewareOrder';
import { describeRuleSuite } from './support/ruleSuite';

describeRuleSuite(otelginMiddlewareOrder, 'otelgin-middleware-order', { unfixable: ['routes.go:46'] });
