/**
 * The trace panel's HTML skeleton: a strict CSP (scripts only with this page's nonce, styles and fonts only from the
 * extension's webview folder), the stylesheets, an empty `#app` the webview bundle fills, and the bundle itself.
 * No vscode import: the host passes the webview's URIs as strings.
 */
import { randomBytes } from 'node:crypto';

export interface PanelHtmlInput {
  /** `webview.cspSource`. */
  cspSource: string;
  /** `webview.asWebviewUri(...)` of dist/webview/panel.js, panel.css and codicon.css. */
  scriptUri: string;
  panelCssUri: string;
  codiconCssUri: string;
  /** A fresh nonce per page load (`makeNonce()`). */
  nonce: string;
}

/** 128 random bits, base64: unguessable by page content, so injected markup could never carry it. */
export function makeNonce(): string {
  return randomBytes(16).toString('base64');
}

export function panelCsp(cspSource: string, nonce: string): string {
  return (
    `default-src 'none'; img-src ${cspSource} data:; font-src ${cspSource}; ` +
    `style-src ${cspSource} 'nonce-${nonce}'; script-src 'nonce-${nonce}';`
  );
}

export function panelHtml(input: PanelHtmlInput): string {
  const nonce = escapeAttribute(input.nonce);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttribute(panelCsp(input.cspSource, input.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" nonce="${nonce}" href="${escapeAttribute(input.codiconCssUri)}" id="vscode-codicon-stylesheet">
<link rel="stylesheet" nonce="${nonce}" href="${escapeAttribute(input.panelCssUri)}">
<title>Span Lens Traces</title>
</head>
<body>
<div id="app"></div>
<script nonce="${nonce}" src="${escapeAttribute(input.scriptUri)}"></script>
</body>
</html>
`;
}

function escapeAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
