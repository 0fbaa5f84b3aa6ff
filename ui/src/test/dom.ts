// Small helpers for component tests: mount into the document, type, click, wait.

import { flushSync, mount, unmount, type Component } from 'svelte';
import { vi } from 'vitest';

export function render<P extends Record<string, unknown>>(component: Component<P>, props: P) {
  const target = document.createElement('div');
  document.body.appendChild(target);
  const instance = mount(component, { target, props });
  flushSync();
  return {
    target,
    destroy() {
      unmount(instance);
      target.remove();
    },
  };
}

export function $(selector: string, root: ParentNode = document): HTMLElement {
  const el = root.querySelector<HTMLElement>(selector);
  if (!el) throw new Error(`nothing matches ${selector}`);
  return el;
}

export function $$(selector: string, root: ParentNode = document): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>(selector)];
}

export function type(el: HTMLElement, value: string): void {
  (el as HTMLInputElement).value = value;
  el.dispatchEvent(new Event('input', { bubbles: true }));
  flushSync();
}

export function choose(el: HTMLElement, value: string): void {
  (el as HTMLSelectElement).value = value;
  el.dispatchEvent(new Event('change', { bubbles: true }));
  flushSync();
}

export function click(el: HTMLElement): void {
  el.click();
  flushSync();
}

export function key(key: string, target: EventTarget = document.body, init: KeyboardEventInit = {}): void {
  target.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true, ...init }));
  flushSync();
}

/** Wait until `fn` stops throwing (async host answers, debounces). */
export async function until<T>(fn: () => T, timeout = 2000): Promise<T> {
  return vi.waitFor(() => {
    flushSync();
    return fn();
  }, { timeout, interval: 10 });
}

const TABBABLE = 'a[href], button, input, select, textarea, summary, [tabindex]';

/**
 * The elements Tab reaches inside `root`, in document order (jsdom moves no focus on Tab, so this
 * is what the browser would walk: enabled native controls and explicit tab stops, minus
 * `tabindex="-1"` and hidden inputs).
 */
export function tabbable(root: ParentNode = document): HTMLElement[] {
  return $$(TABBABLE, root).filter((el) => {
    if (el.getAttribute('tabindex') === '-1') return false;
    if ((el as HTMLButtonElement).disabled) return false;
    return !(el instanceof HTMLInputElement && el.type === 'hidden');
  });
}
