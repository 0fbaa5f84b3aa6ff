import { describe, expect, it } from 'vitest';
import { shortcutFor } from './keys';

function press(key: string, target: HTMLElement = document.body, init: KeyboardEventInit = {}) {
  const e = new KeyboardEvent('keydown', { key, bubbles: true, ...init });
  Object.defineProperty(e, 'target', { value: target });
  return shortcutFor(e);
}

describe('shortcutFor', () => {
  it('maps the documented keys', () => {
    expect(press('/')).toBe('focus-filter');
    expect(press('k', document.body, { ctrlKey: true })).toBe('focus-filter');
    expect(press('ArrowDown')).toBe('next');
    expect(press('ArrowUp')).toBe('prev');
    expect(press('Enter')).toBe('open');
    expect(press('c')).toBe('copy');
    expect(press('r')).toBe('reveal');
    expect(press('n')).toBe('add');
    expect(press('e')).toBe('edit');
    expect(press('Delete')).toBe('delete');
    expect(press('Escape')).toBe('escape');
  });

  it('ignores letters typed into fields', () => {
    const input = document.createElement('input');
    const textarea = document.createElement('textarea');
    expect(press('c', input)).toBeNull();
    expect(press('n', textarea)).toBeNull();
    expect(press('/', input)).toBeNull();
    expect(press('k', input, { ctrlKey: true })).toBe('focus-filter');
  });

  it('leaves Enter on a button to the button, and ignores modified letters', () => {
    expect(press('Enter', document.createElement('button'))).toBeNull();
    expect(press('c', document.body, { ctrlKey: true })).toBeNull();
  });
});
