import { spanContextDiscarded } from '../../../src/core/analysis/rules/spanContextDiscarded';
import { describeRuleSuite } from './support/ruleSuite';

describeRuleSuite(spanContextDiscarded, 'span-context-discarded');
