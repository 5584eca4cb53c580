/** Where each static check is explained: a section of docs/static-checks.md, one heading per rule. No vscode import. */
import { headingAnchor } from '../util/markdownAnchor';

export const STATIC_CHECKS_DOC = 'https://github.com/span-lens/span-lens/blob/main/docs/static-checks.md';

/** The heading of a rule's section, e.g. `SL204 go/http-uninstrumented-client`. */
export function staticCheckHeading(code: string, ruleId: string): string {
  return `${code} ${ruleId}`;
}

export function staticCheckDocsUrl(code: string, ruleId: string): string {
  return `${STATIC_CHECKS_DOC}#${headingAnchor(staticCheckHeading(code, ruleId))}`;
}
