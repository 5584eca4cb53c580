import { spanErrorNotRecorded } from '../../../src/core/analysis/rules/spanErrorNotRecorded';
import { describeRuleSuite } from './support/ruleSuite';

describeRuleSuite(spanErrorNotRecorded, 'span-error-not-recorded');
