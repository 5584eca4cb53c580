/** The trace panel webview's entry: connect to the host, restore the saved view, build the page, ask for data. */
import { isHostMessage } from '../core/panel/protocol';
import { PanelApp } from './app';
import { connectHost } from './host';
import { restoreState } from './state';

const host = connectHost();
const root = document.getElementById('app') ?? document.body.appendChild(document.createElement('div'));
const app = new PanelApp(host, root, restoreState(host.getState()));

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  // Anything else posted to the window (a stale or foreign message) is ignored.
  if (isHostMessage(event.data)) {
    app.receive(event.data);
  }
});
host.post({ type: 'ready' });
