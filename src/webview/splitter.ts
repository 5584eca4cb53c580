/** The drag handle between the tree and the detail pane; reports the detail pane's new height. */
import { el } from './dom';

export const MIN_DETAIL_HEIGHT = 60;
const MIN_LIST_HEIGHT = 80;

export function createSplitter(container: () => HTMLElement, onResize: (detailHeight: number) => void): HTMLElement {
  const handle = el('div', {
    class: 'splitter',
    title: 'Drag to resize the details',
    attrs: { role: 'separator', 'aria-orientation': 'horizontal', 'aria-label': 'Resize details', tabindex: '0' },
  });
  let dragging = false;
  handle.addEventListener('pointerdown', (event) => {
    dragging = true;
    handle.setPointerCapture(event.pointerId);
    handle.classList.add('dragging');
    event.preventDefault();
  });
  handle.addEventListener('pointermove', (event) => {
    if (!dragging) {
      return;
    }
    const box = container().getBoundingClientRect();
    onResize(clampHeight(box.bottom - event.clientY, box.height));
  });
  const stop = (event: PointerEvent): void => {
    if (dragging) {
      dragging = false;
      handle.releasePointerCapture(event.pointerId);
      handle.classList.remove('dragging');
    }
  };
  handle.addEventListener('keydown', (event) => {
    const step = event.key === 'ArrowUp' ? 20 : event.key === 'ArrowDown' ? -20 : 0;
    if (step !== 0) {
      event.preventDefault();
      const box = container().getBoundingClientRect();
      const detail = handle.nextElementSibling?.getBoundingClientRect().height ?? 0;
      onResize(clampHeight(detail + step, box.height));
    }
  });
  handle.addEventListener('pointerup', stop);
  handle.addEventListener('pointercancel', stop);
  return handle;
}

export function clampHeight(height: number, available: number): number {
  return Math.round(Math.max(MIN_DETAIL_HEIGHT, Math.min(height, Math.max(MIN_DETAIL_HEIGHT, available - MIN_LIST_HEIGHT))));
}
