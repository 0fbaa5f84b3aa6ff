// Keyboard shortcuts: which key means what, and when a key belongs to a text field instead.

export type Shortcut =
  | 'focus-filter'
  | 'next'
  | 'prev'
  | 'open'
  | 'copy'
  | 'reveal'
  | 'add'
  | 'edit'
  | 'delete'
  | 'escape';

/** True when keys typed now go into a text field, so single-letter shortcuts must not fire. */
export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (target instanceof HTMLInputElement) {
    return !['button', 'checkbox', 'radio', 'submit', 'reset'].includes(target.type);
  }
  return false;
}

/** Enter on a button or link activates it; it only opens the detail from the list or the page. */
function activatesControl(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && target.closest('button, a[href], summary, [role=button]') !== null;
}

export function shortcutFor(e: KeyboardEvent): Shortcut | null {
  const mod = e.ctrlKey || e.metaKey;
  if (mod && !e.altKey && e.key.toLowerCase() === 'k') return 'focus-filter';
  if (e.key === 'Escape') return 'escape';
  if (mod || e.altKey) return null;
  if (isTyping(e.target)) return null;
  switch (e.key) {
    case '/':
      return 'focus-filter';
    case 'ArrowDown':
      return 'next';
    case 'ArrowUp':
      return 'prev';
    case 'Enter':
      return activatesControl(e.target) ? null : 'open';
    case 'c':
      return 'copy';
    case 'r':
      return 'reveal';
    case 'n':
      return 'add';
    case 'e':
      return 'edit';
    case 'Delete':
      return 'delete';
    default:
      return null;
  }
}
