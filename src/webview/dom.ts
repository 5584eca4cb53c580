/**
 * The only way the panel builds DOM. Text goes in through textContent and attributes through setAttribute, so span
 * data (untrusted: attribute values come from any process that can reach the receiver) is never parsed as markup.
 */

export interface ElementOptions {
  class?: string;
  text?: string;
  title?: string;
  /** role, aria-*, tabindex, type, … — set with setAttribute, never an event handler or a URL. */
  attrs?: Record<string, string>;
}

export type Child = Node | string | null | undefined | false;

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  options: ElementOptions = {},
  children: readonly Child[] = [],
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (options.class) {
    element.className = options.class;
  }
  if (options.title) {
    element.title = options.title;
  }
  if (options.attrs) {
    for (const [name, value] of Object.entries(options.attrs)) {
      if (/^on/i.test(name)) {
        throw new Error(`el(): event handler attribute ${name} is not allowed`);
      }
      element.setAttribute(name, value);
    }
  }
  if (options.text !== undefined) {
    element.textContent = options.text;
  }
  append(element, children);
  return element;
}

export function append(parent: Node, children: readonly Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) {
      continue;
    }
    parent.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
  }
}

/** A codicon glyph (the font comes from the host's codicon.css). */
export function icon(name: string, title?: string): HTMLElement {
  const element = el('i', { class: `codicon codicon-${name}`, title });
  element.setAttribute('aria-hidden', title ? 'false' : 'true');
  return element;
}

/** A toolbar / inline button showing a codicon, with an accessible name. */
export function iconButton(name: string, label: string, onClick: (event: MouseEvent) => void, extraClass = ''): HTMLButtonElement {
  const button = el('button', { class: `icon-button ${extraClass}`.trim(), title: label, attrs: { type: 'button', 'aria-label': label } }, [
    icon(name),
  ]);
  button.addEventListener('click', onClick);
  return button;
}

export function clearChildren(element: Element): void {
  element.replaceChildren();
}
