import * as assert from 'node:assert/strict';
import { makeNonce, panelCsp, panelHtml } from '../../../src/extension/panel/panelHtml';

describe('extension/panel/panelHtml', () => {
  const input = {
    cspSource: 'https://*.vscode-cdn.net',
    scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview/panel.js',
    panelCssUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview/panel.css',
    codiconCssUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview/codicon.css',
    nonce: 'abc+/12=',
  };

  it('sets the strict CSP: scripts only with the nonce, styles and fonts from the webview source, nothing else', () => {
    const html = panelHtml(input);
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)?.[1];
    assert.equal(
      csp,
      "default-src 'none'; img-src https://*.vscode-cdn.net data:; font-src https://*.vscode-cdn.net; " +
        "style-src https://*.vscode-cdn.net 'nonce-abc+/12='; script-src 'nonce-abc+/12=';",
    );
    assert.equal(panelCsp(input.cspSource, input.nonce), csp);
  });

  it('loads one script, with the nonce, and both stylesheets, into an empty #app; no inline script or style', () => {
    const html = panelHtml(input);
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    assert.equal(scripts.length, 1);
    assert.match(scripts[0][1], /nonce="abc\+\/12="/);
    assert.match(scripts[0][1], /src="https:\/\/file\+\.vscode-resource\.vscode-cdn\.net\/ext\/dist\/webview\/panel\.js"/);
    assert.equal(scripts[0][2], '');
    assert.ok(html.includes(`href="${input.codiconCssUri}"`));
    assert.ok(html.includes(`href="${input.panelCssUri}"`));
    assert.ok(html.includes('<div id="app"></div>'));
    assert.doesNotMatch(html, /<style\b|\sstyle=|\son[a-z]+=/i);
  });

  it('escapes the URIs it is given', () => {
    const html = panelHtml({ ...input, scriptUri: 'https://x/panel.js?a="><script>alert(1)</script>' });
    assert.equal([...html.matchAll(/<script\b/g)].length, 1);
    assert.ok(html.includes('src="https://x/panel.js?a=&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"'));
  });

  it('makes a fresh 128-bit nonce each time', () => {
    const first = makeNonce();
    assert.equal(Buffer.from(first, 'base64').length, 16);
    assert.notEqual(makeNonce(), first);
  });
});
