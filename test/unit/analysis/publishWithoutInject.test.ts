import { publishWithoutInject } from '../../../src/core/analysis/rules/publishWithoutInject';
import { describeRuleSuite } from './support/ruleSuite';

describeRuleSuite(publishWithoutInject, 'publish-without-inject');
