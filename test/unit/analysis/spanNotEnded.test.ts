import { spanNotEnded } from '../../../src/core/analysis/rules/spanNotEnded';
import { describeRuleSuite } from './support/ruleSuite';

describeRuleSuite(spanNotEnded, 'span-not-ended', { unfixable: ['spans.go:80'] });
