import { afterEach, describe, expect, it } from 'vitest';
import type { Status } from '../lib/bindings/Status';
import { $, render } from '../test/dom';
import StatusChip from './StatusChip.svelte';

const WORDS: Record<Status, string> = {
  valid: 'Valid',
  expiring_soon: 'Expiring soon',
  expired: 'Expired',
  not_yet_valid: 'Not yet valid',
  no_expiry: 'No expiry',
  revoked: 'Revoked',
};

let view: ReturnType<typeof render> | undefined;
afterEach(() => view?.destroy());

describe('StatusChip', () => {
  for (const [status, word] of Object.entries(WORDS) as Array<[Status, string]>) {
    it(`says "${word}" and carries the ${status} colour class`, () => {
      view = render(StatusChip, { status, testid: 'chip' });
      const chip = $('[data-testid=chip]', view.target);
      expect(chip.textContent?.trim()).toBe(word);
      expect(chip.classList.contains(`st-${status}`)).toBe(true);
      expect(chip.dataset.status).toBe(status);
      view.destroy();
      view = undefined;
    });
  }
});
