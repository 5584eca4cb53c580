import { consumeWithoutExtract } from '../../../src/core/analysis/rules/consumeWithoutExtract';
import { describeRuleSuite } from './support/ruleSuite';

describeRuleSuite(consumeWithoutExtract, 'consume-without-extract');
