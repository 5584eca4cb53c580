import { ginContextAsContext } from '../../../src/core/analysis/rules/ginContextAsContext';
import { describeRuleSuite } from './support/ruleSuite';

describeRuleSuite(ginContextAsContext, 'gin-context-as-context');
