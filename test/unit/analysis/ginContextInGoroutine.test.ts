import { ginContextInGoroutine } from '../../../src/core/analysis/rules/ginContextInGoroutine';
import { describeRuleSuite } from './support/ruleSuite';

describeRuleSuite(ginContextInGoroutine, 'gin-context-in-goroutine');
