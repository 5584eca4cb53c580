/** The toolbar: filters, session scope, pause/resume, clear, open in editor. It reports user changes; it owns no data. */
import type { PanelSession } from '../core/panel/protocol';
import { el, icon, iconButton } from './dom';
import { formatCount } from './format';
import type { Scope, StatusFilter } from './state';

export interface ToolbarValues {
  text: string;
  service: string;
  status: StatusFilter;
  minDurationMs: number;
  scope: Scope;
}

export interface ToolbarActions {
  filterChanged(values: Omit<ToolbarValues, 'scope'>): void;
  scopeChanged(scope: Scope): void;
  togglePause(): void;
  clear(): void;
  openInEditor(): void;
}

const ALL_SERVICES = '';

export class Toolbar {
  readonly element: HTMLElement;
  readonly textInput: HTMLInputElement;
  private readonly serviceSelect: HTMLSelectElement;
  private readonly statusSelect: HTMLSelectElement;
  private readonly minDurationInput: HTMLInputElement;
  private readonly scopeGroup: HTMLElement;
  private readonly scopeSession: HTMLButtonElement;
  private readonly scopeAll: HTMLButtonElement;
  private readonly pauseButton: HTMLButtonElement;
  private readonly pauseIcon: HTMLElement;
  private readonly pauseLabel: HTMLElement;
  private servicesShown = '';

  constructor(private readonly actions: ToolbarActions) {
    this.textInput = el('input', {
      class: 'filter-text',
      attrs: { type: 'text', placeholder: 'Filter (/)', title: 'Filter by name, service, trace or span id, source or attribute. Press / to focus, Escape to clear.', 'aria-label': 'Filter spans', spellcheck: 'false' },
    });
    this.serviceSelect = el('select', { class: 'service-select', title: 'Service', attrs: { 'aria-label': 'Service' } }, [
      el('option', { text: 'All services', attrs: { value: ALL_SERVICES } }),
    ]);
    this.statusSelect = el('select', { class: 'status-select', title: 'Status', attrs: { 'aria-label': 'Status' } }, [
      el('option', { text: 'Any status', attrs: { value: 'all' } }),
      el('option', { text: 'Errors', attrs: { value: 'error' } }),
      el('option', { text: 'Not errors', attrs: { value: 'ok' } }),
    ]);
    this.minDurationInput = el('input', {
      class: 'min-duration',
      title: 'Minimum duration (ms)',
      attrs: { type: 'number', min: '0', step: 'any', placeholder: '≥ ms', 'aria-label': 'Minimum duration in milliseconds' },
    });
    this.scopeSession = el('button', { class: 'segment', text: 'This session', attrs: { type: 'button', 'aria-pressed': 'true' } });
    this.scopeAll = el('button', { class: 'segment', text: 'All', attrs: { type: 'button', 'aria-pressed': 'false' } });
    this.scopeGroup = el('div', { class: 'segmented', attrs: { role: 'group', 'aria-label': 'Which spans' } }, [this.scopeSession, this.scopeAll]);
    this.pauseIcon = icon('debug-pause');
    this.pauseLabel = el('span', { class: 'pending' });
    this.pauseButton = el('button', { class: 'icon-button pause', title: 'Pause the live feed', attrs: { type: 'button', 'aria-label': 'Pause the live feed' } }, [
      this.pauseIcon,
      this.pauseLabel,
    ]);

    const onFilter = (): void => actions.filterChanged(this.filterValues());
    this.textInput.addEventListener('input', onFilter);
    this.textInput.addEventListener('keydown', (event) => {
      if (event.key === 'Escape' && this.textInput.value !== '') {
        event.preventDefault();
        event.stopPropagation();
        this.textInput.value = '';
        onFilter();
      }
    });
    this.serviceSelect.addEventListener('change', onFilter);
    this.statusSelect.addEventListener('change', onFilter);
    this.minDurationInput.addEventListener('input', onFilter);
    this.scopeSession.addEventListener('click', () => actions.scopeChanged('session'));
    this.scopeAll.addEventListener('click', () => actions.scopeChanged('all'));
    this.pauseButton.addEventListener('click', () => actions.togglePause());

    const search = el('div', { class: 'search' }, [icon('filter'), this.textInput]);
    this.element = el('div', { class: 'toolbar', attrs: { role: 'toolbar', 'aria-label': 'Trace panel' } }, [
      search,
      el('div', { class: 'toolbar-group' }, [this.serviceSelect, this.statusSelect, this.minDurationInput, this.scopeGroup]),
      el('div', { class: 'toolbar-actions' }, [
        this.pauseButton,
        iconButton('clear-all', 'Clear the panel', () => actions.clear()),
        iconButton('link-external', 'Open in editor', () => actions.openInEditor()),
      ]),
    ]);
  }

  private filterValues(): Omit<ToolbarValues, 'scope'> {
    const minimum = Number.parseFloat(this.minDurationInput.value);
    return {
      text: this.textInput.value,
      service: this.serviceSelect.value,
      status: this.statusSelect.value as StatusFilter,
      minDurationMs: Number.isFinite(minimum) && minimum > 0 ? minimum : 0,
    };
  }

  /** Shows the given values (restored state, or a filter reset by a reveal). */
  setValues(values: Omit<ToolbarValues, 'scope'>): void {
    this.textInput.value = values.text;
    this.ensureService(values.service);
    this.serviceSelect.value = values.service;
    this.statusSelect.value = values.status;
    this.minDurationInput.value = values.minDurationMs > 0 ? String(values.minDurationMs) : '';
  }

  /** The services the forest holds (sorted); the selected one stays even when it has no spans now. */
  setServices(services: readonly string[]): void {
    const signature = services.join('\u0000');
    if (signature === this.servicesShown) {
      return;
    }
    this.servicesShown = signature;
    const selected = this.serviceSelect.value;
    const options = [el('option', { text: 'All services', attrs: { value: ALL_SERVICES } })];
    for (const service of services) {
      options.push(el('option', { text: service, attrs: { value: service } }));
    }
    this.serviceSelect.replaceChildren(...options);
    this.ensureService(selected);
    this.serviceSelect.value = selected;
  }

  private ensureService(service: string): void {
    if (service !== ALL_SERVICES && ![...this.serviceSelect.options].some((option) => option.value === service)) {
      this.serviceSelect.appendChild(el('option', { text: service, attrs: { value: service } }));
    }
  }

  setScope(scope: Scope, live: PanelSession | undefined): void {
    const scoped = scope === 'session' && live !== undefined;
    this.scopeGroup.classList.toggle('disabled', !live);
    this.scopeSession.disabled = !live;
    this.scopeSession.title = live ? `Only spans from the debug session ${live.name} (${live.state})` : 'No debug session is running';
    this.scopeAll.title = 'Spans from every process';
    this.scopeSession.setAttribute('aria-pressed', scoped ? 'true' : 'false');
    this.scopeAll.setAttribute('aria-pressed', scoped ? 'false' : 'true');
    this.scopeSession.classList.toggle('active', scoped);
    this.scopeAll.classList.toggle('active', !scoped);
  }

  setPaused(paused: boolean, pending: number): void {
    const label = paused ? 'Resume the live feed' : 'Pause the live feed';
    this.pauseIcon.className = `codicon codicon-${paused ? 'debug-continue' : 'debug-pause'}`;
    this.pauseButton.classList.toggle('paused', paused);
    this.pauseButton.title = label;
    this.pauseButton.setAttribute('aria-label', paused && pending > 0 ? `${label} (${pending} new spans)` : label);
    this.pauseButton.setAttribute('aria-pressed', paused ? 'true' : 'false');
    this.pauseLabel.textContent = paused && pending > 0 ? `+${formatCount(pending)} new` : '';
  }

  focusFilter(): void {
    this.textInput.focus();
    this.textInput.select();
  }
}
