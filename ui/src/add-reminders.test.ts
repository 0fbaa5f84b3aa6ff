// Reminders chosen while adding a token, against the fake host at the demo fixture's instant:
// the app's lead times and the provider's proposed rotation by default, custom ones read by
// core, and core's objection shown in place.

import { describe, expect, it, vi } from 'vitest';
import { LEADS } from './lib/host/fixture-data';
import { appHarness, rows } from './test/app';
import { $, click, type, until } from './test/dom';
import { SAMPLE } from './test/fixtures';

const app = appHarness();
const input = (testid: string) => $(`[data-testid=${testid}]`) as HTMLInputElement;
const gone = (testid: string) => expect(document.querySelector(`[data-testid=${testid}]`)).toBeNull();

function parsed(text: string): number[] | null {
  const a = LEADS.parsed[text];
  if (!a || !('ok' in a)) throw new Error(`leads.json has no good answer for ${JSON.stringify(text)}`);
  return a.ok;
}
function refused(text: string): string {
  const a = LEADS.parsed[text];
  if (!a || !('error' in a)) throw new Error(`leads.json has no error for ${JSON.stringify(text)}`);
  return a.error.message;
}

describe('reminders for a token being added', () => {
  async function openAdd(): Promise<void> {
    await until(() => expect(rows().length).toBeGreaterThan(0));
    click($('[data-testid=add-button]'));
    type(await until(() => $('[data-testid=add-secret]')), SAMPLE.githubPat);
    await until(() => $('[data-testid=add-detected]'));
    type(input('add-name'), 'with-reminders');
  }

  it('takes its own lead times and rotation period, read by core', async () => {
    const host = app.start();
    await openAdd();
    click(input('add-remind-custom'));
    await until(() => expect(input('add-remind-leads').value).toBe(LEADS.default_text));
    type(input('add-remind-leads'), '7d,1d');
    type(input('add-rotate-days'), '30');
    const add = vi.spyOn(host, 'addToken');
    click($('[data-testid=add-save]'));
    await until(() => gone('add-dialog'));
    expect(add).toHaveBeenCalledWith(
      SAMPLE.githubPat,
      expect.objectContaining({ remind: parsed('7d,1d'), rotate_every_secs: 30 * 86_400 }),
    );
  });

  it('keeps the app\'s lead times and the provider\'s proposal when left alone', async () => {
    const host = app.start();
    await openAdd();
    const add = vi.spyOn(host, 'addToken');
    click($('[data-testid=add-save]'));
    await until(() => gone('add-dialog'));
    expect(add).toHaveBeenCalledWith(SAMPLE.githubPat, expect.objectContaining({ remind: null, rotate_every_secs: null }));
  });

  it('shows core\'s objection to custom lead times in place, and adds nothing', async () => {
    const host = app.start();
    await openAdd();
    click(input('add-remind-custom'));
    type(input('add-remind-leads'), '3 days');
    const add = vi.spyOn(host, 'addToken');
    click($('[data-testid=add-save]'));
    const error = await until(() => $('[data-testid=add-remind-error]'));
    expect(error.textContent).toBe(refused('3 days'));
    expect(add).not.toHaveBeenCalled();
    await until(() => expect(document.activeElement).toBe(input('add-remind-leads')));
  });
});

