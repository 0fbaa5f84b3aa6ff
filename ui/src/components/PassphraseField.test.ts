// The backup passphrase field as a screen reader meets it: named by its label, masked, and
// pointing at its error and hint, which are on the page.

import { afterEach, describe, expect, it, vi } from 'vitest';
import { $, render, type } from '../test/dom';
import PassphraseField from './PassphraseField.svelte';

let view: ReturnType<typeof render> | undefined;
afterEach(() => {
  view?.destroy();
  view = undefined;
});

const HINT = 'A few unrelated words are easy to remember and hard to guess.';
const base = {
  id: 'pass',
  label: 'Passphrase',
  value: '',
  autocomplete: 'new-password' as const,
  errorId: 'pass-error',
  hint: HINT,
  hintId: 'pass-hint',
};

/** The texts the input's aria-describedby points at, in order. */
function description(input: HTMLElement): string[] {
  const ids = input.getAttribute('aria-describedby')?.split(' ') ?? [];
  return ids.map((id) => document.getElementById(id)?.textContent?.trim() ?? `(no element #${id})`);
}

describe('PassphraseField', () => {
  it('is a masked field named by its label, described by its hint, and not invalid', () => {
    view = render(PassphraseField, { ...base, error: null });
    const input = $('[data-testid=pass]') as HTMLInputElement;
    expect(input.type).toBe('password');
    expect(input.autocomplete).toBe('new-password');
    expect(input.labels?.[0]?.textContent).toBe('Passphrase');
    expect(input.getAttribute('aria-invalid')).toBe('false');
    expect(description(input)).toEqual([HINT]);
    expect(document.querySelector('[role=alert]')).toBeNull();
  });

  it('shows its error as an alert and links it before the hint', () => {
    view = render(PassphraseField, { ...base, error: 'Use at least 8 characters.' });
    const input = $('[data-testid=pass]');
    const alert = $('[data-testid=pass-error]');
    expect(alert.getAttribute('role')).toBe('alert');
    expect(alert.textContent).toBe('Use at least 8 characters.');
    expect(alert.classList.contains('field-error')).toBe(true);
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(description(input)).toEqual(['Use at least 8 characters.', HINT]);
  });

  it('without a hint id, is described by its error alone (the hint still shows)', () => {
    view = render(PassphraseField, { ...base, hintId: undefined, errorClass: 'dialog-error', error: 'wrong passphrase' });
    const input = $('[data-testid=pass]');
    expect(input.getAttribute('aria-describedby')).toBe('pass-error');
    expect($('[data-testid=pass-error]').classList.contains('dialog-error')).toBe(true);
    expect(view.target.textContent).toContain(HINT);
  });

  it('tells the parent about each keystroke', () => {
    const oninput = vi.fn();
    view = render(PassphraseField, { ...base, error: null, oninput });
    type($('[data-testid=pass]'), 'correct horse');
    expect(oninput).toHaveBeenCalledTimes(1);
  });
});
