// Reminders in the window, against the fake host: lead times in Settings and per token, the
// rotation period, what the detail pane says about a token's reminders, the banner when
// notifications cannot reach the desktop, and the app asking to show a token (`open-token`).
// Like App.test.ts it runs at the demo fixture's instant, against core's answers.

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import App from './App.svelte';
import type { TokenPatch } from './lib/bindings/TokenPatch';
import { demoSeed } from './lib/host/demo';
import { createFakeHost, type FakeHost } from './lib/host/fake';
import { LEADS } from './lib/host/fixture-data';
import { formatLocal, formatLocalDate } from './lib/state/format';
import { $, $$, click, render, type, until } from './test/dom';
import { atFixtureTime, demoToken } from './test/fixtures';

let view: ReturnType<typeof render> | undefined;
let host: FakeHost;

function start(before?: (h: FakeHost) => void) {
  host = createFakeHost({ seed: demoSeed() });
  before?.(host);
  view = render(App, { host });
}

beforeEach(() => atFixtureTime());

afterEach(() => {
  view?.destroy();
  view = undefined;
  host?.dispose();
  vi.useRealTimers();
});

const rows = () => $$('[data-testid=token-row]');
const names = () => rows().map((r) => $('[data-testid=row-name]', r).textContent);
const input = (testid: string) => $(`[data-testid=${testid}]`) as HTMLInputElement;
const blur = (el: HTMLElement) => el.dispatchEvent(new FocusEvent('blur'));
const gone = (testid: string) => expect(document.querySelector(`[data-testid=${testid}]`)).toBeNull();

/** What core answered for a text in leads.json. */
function parsed(text: string): { ok: number[] | null; text: string | null } {
  const a = LEADS.parsed[text];
  if (!a || !('ok' in a)) throw new Error(`leads.json has no good answer for ${JSON.stringify(text)}`);
  return a;
}
function refused(text: string): string {
  const a = LEADS.parsed[text];
  if (!a || !('error' in a)) throw new Error(`leads.json has no error for ${JSON.stringify(text)}`);
  return a.error.message;
}

async function openSettings(): Promise<void> {
  await until(() => expect(rows()).toHaveLength(16));
  click($('[data-testid=settings-button]'));
  await until(() => $('[data-testid=setting-remind-leads]'));
}

async function editToken(name: string): Promise<void> {
  await until(() => expect(rows()).toHaveLength(16));
  type($('[data-testid=filter]'), name);
  click($('[data-testid=token-row]'));
  click(await until(() => $('[data-testid=edit-button]')));
  await until(() => $('[data-testid=edit-dialog]'));
}

async function save(): Promise<void> {
  click($('[data-testid=edit-save]'));
  await until(() => gone('edit-dialog'));
}

describe('reminder settings', () => {
  it('shows the app\'s lead times as core writes them, and saves new ones', async () => {
    start();
    await openSettings();
    expect(input('setting-remind-leads').value).toBe(LEADS.default_text);
    expect($('[data-testid=settings-dialog]').textContent?.replace(/\s+/g, ' ')).toContain(
      'Before each expiry: 14d,3d,1d,1h,0 means 14 days, 3 days, 1 day, 1 hour and at expiry. Leads longer than half a token\'s life are skipped for it.',
    );
    type(input('setting-remind-leads'), '7d,1d');
    click($('[data-testid=settings-save]'));
    await until(() => gone('settings-dialog'));
    expect(host.settings.remind_leads_secs).toEqual(parsed('7d,1d').ok);
    expect($('[data-testid=toast]').textContent).toContain('Settings saved');
  });

  it('says what is wrong with lead times when leaving the field, and saves nothing', async () => {
    start();
    await openSettings();
    const set = vi.spyOn(host, 'setSettings');
    type(input('setting-remind-leads'), '3 days');
    blur(input('setting-remind-leads'));
    const error = await until(() => $('[data-testid=setting-remind-error]'));
    expect(error.textContent).toBe(refused('3 days'));
    expect(input('setting-remind-leads').getAttribute('aria-invalid')).toBe('true');
    expect(input('setting-remind-leads').getAttribute('aria-describedby')).toContain('setting-remind-error');
    click($('[data-testid=settings-save]'));
    await until(() => expect(document.activeElement).toBe(input('setting-remind-leads')));
    expect(set).not.toHaveBeenCalled();
    type(input('setting-remind-leads'), '1y');
    gone('setting-remind-error');
    click($('[data-testid=settings-save]'));
    await until(() => expect($('[data-testid=setting-remind-error]').textContent).toBe(refused('1y')));
    expect(set).not.toHaveBeenCalled();
  });

  it('does not take "default" for the app\'s own lead times', async () => {
    start();
    await openSettings();
    type(input('setting-remind-leads'), 'default');
    click($('[data-testid=settings-save]'));
    const error = await until(() => $('[data-testid=setting-remind-error]'));
    expect(error.textContent).toContain('Write the lead times themselves');
    expect($('[data-testid=settings-dialog]')).toBeTruthy();
  });

  it('turns reminders off with "none"', async () => {
    start();
    await openSettings();
    type(input('setting-remind-leads'), 'none');
    click($('[data-testid=settings-save]'));
    await until(() => expect(host.settings.remind_leads_secs).toEqual([]));
  });

  it('leaves an undecided autostart undecided unless the user touches it', async () => {
    start();
    await openSettings();
    const box = input('setting-autostart');
    expect(box.checked).toBe(false);
    expect($('[data-testid=setting-autostart-note]').textContent).toContain('turns on with your first reminder unless you turn it off');
    expect(box.closest('label')?.textContent).toContain('Start Tokenkeeper at login (in the tray)');
    type(input('setting-clipboard-secs'), '45');
    click($('[data-testid=settings-save]'));
    await until(() => expect(host.settings.clipboard_clear_secs).toBe(45));
    expect(host.settings.autostart).toBeNull();
  });

  it('writes the user\'s autostart choice, even one that matches how it looked', async () => {
    start();
    await openSettings();
    click(input('setting-autostart'));
    gone('setting-autostart-note');
    click(input('setting-autostart'));
    click($('[data-testid=settings-save]'));
    await until(() => gone('settings-dialog'));
    expect(host.settings.autostart).toBe(false);

    click($('[data-testid=settings-button]'));
    await until(() => $('[data-testid=setting-autostart]'));
    gone('setting-autostart-note');
    click(input('setting-autostart'));
    click($('[data-testid=settings-save]'));
    await until(() => expect(host.settings.autostart).toBe(true));
  });

  it('reads the settings afresh each time it opens', async () => {
    start();
    await openSettings();
    click($('[data-testid=settings-dialog] button[aria-label=Close]'));
    await until(() => gone('settings-dialog'));
    // The app turned autostart on with the first reminder while the dialog was closed.
    host.settings = { ...host.settings, autostart: true };
    click($('[data-testid=settings-button]'));
    await until(() => expect(input('setting-autostart').checked).toBe(true));
    gone('setting-autostart-note');
  });
});

describe('a token\'s reminders and rotation', () => {
  it('sends nothing new when the dialog is saved unchanged', async () => {
    start();
    await editToken('ads-system-user');
    expect(input('edit-rotate-days').value).toBe('60');
    expect(input('edit-remind-default').checked).toBe(true);
    const update = vi.spyOn(host, 'updateToken');
    await save();
    const patch = update.mock.calls[0]?.[1] as TokenPatch;
    expect('remind' in patch).toBe(false);
    expect('rotate_every_secs' in patch).toBe(false);
    const { id } = demoToken('ads-system-user').detail.meta;
    expect((await host.tokenDetail(id)).events.map((e) => e.kind)).toEqual(['added']);
  });

  it('sends nothing new for a token with its own lead times saved unchanged', async () => {
    const { id } = demoToken('publish').detail.meta;
    start((h) => {
      const t = h.tokens.get(id);
      if (t) t.meta = { ...t.meta, remind: parsed('7d,1d').ok };
    });
    await editToken('publish');
    expect(input('edit-remind-custom').checked).toBe(true);
    await until(() => expect(input('edit-remind-leads').value).toBe('7d,1d'));
    const update = vi.spyOn(host, 'updateToken');
    await save();
    expect('remind' in (update.mock.calls[0]?.[1] ?? {})).toBe(false);
  });

  it('gives a token its own lead times, and the detail pane says they are its own', async () => {
    start();
    const { id } = demoToken('publish').detail.meta;
    await editToken('publish');
    click(input('edit-remind-custom'));
    // Custom starts from the app's lead times.
    await until(() => expect(input('edit-remind-leads').value).toBe(LEADS.default_text));
    type(input('edit-remind-leads'), '7d,1d');
    const update = vi.spyOn(host, 'updateToken');
    await save();
    expect(update).toHaveBeenCalledWith(id, expect.objectContaining({ remind: parsed('7d,1d').ok }), null);
    expect('rotate_every_secs' in (update.mock.calls[0]?.[1] ?? {})).toBe(false);
    const leads = await until(() => $('[data-testid=reminder-leads]'));
    await until(() => expect(leads.textContent).toContain(`${parsed('7d,1d').text} (this token's)`));
  });

  it('turns a token\'s reminders off, and back to the app\'s', async () => {
    start();
    const { id } = demoToken('publish').detail.meta;
    const update = vi.spyOn(host, 'updateToken');
    await editToken('publish');
    click(input('edit-remind-none'));
    await save();
    expect(update.mock.calls[0]?.[1]).toMatchObject({ remind: [] });
    await until(() => expect($('[data-testid=reminder-leads]').textContent).toContain('none (this token\'s)'));

    click($('[data-testid=edit-button]'));
    await until(() => expect(input('edit-remind-none').checked).toBe(true));
    click(input('edit-remind-default'));
    await save();
    expect(update.mock.calls[1]).toEqual([id, expect.objectContaining({ remind: null }), null]);
    await until(() => expect($('[data-testid=reminder-leads]').textContent).toContain('(app default)'));
  });

  it('shows core\'s objection to custom lead times in place, and saves nothing', async () => {
    start();
    await editToken('publish');
    click(input('edit-remind-custom'));
    await until(() => expect(input('edit-remind-leads').value).not.toBe(''));
    type(input('edit-remind-leads'), '-1h');
    blur(input('edit-remind-leads'));
    await until(() => expect($('[data-testid=edit-remind-error]').textContent).toBe(refused('-1h')));
    expect(input('edit-remind-leads').getAttribute('aria-invalid')).toBe('true');
    const update = vi.spyOn(host, 'updateToken');
    click($('[data-testid=edit-save]'));
    await until(() => expect(document.activeElement).toBe(input('edit-remind-leads')));
    expect(update).not.toHaveBeenCalled();
    expect($('[data-testid=edit-dialog]')).toBeTruthy();
  });

  it('changes and drops the rotation period, in days', async () => {
    start();
    const update = vi.spyOn(host, 'updateToken');
    await editToken('ads-system-user');
    type(input('edit-rotate-days'), '30');
    await save();
    expect(update.mock.calls[0]?.[1]).toMatchObject({ rotate_every_secs: 30 * 86_400 });
    expect('remind' in (update.mock.calls[0]?.[1] ?? {})).toBe(false);
    const due = await until(() => $('[data-testid=rotation-due]'));
    // Thirty days from when the secret was stored (added on May 12).
    await until(() => expect(due.textContent).toContain(formatLocalDate(Date.parse('2026-06-11T12:00:00Z'))));

    click($('[data-testid=edit-button]'));
    await until(() => expect(input('edit-rotate-days').value).toBe('30'));
    type(input('edit-rotate-days'), '');
    await save();
    expect(update.mock.calls[1]?.[1]).toMatchObject({ rotate_every_secs: null });
    await until(() => gone('rotation-due'));
  });
});

describe('the detail pane\'s reminders', () => {
  it('says which lead times apply, whose they are, and when the next reminder comes', async () => {
    start();
    const { detail } = demoToken('release-bot');
    await until(() => expect(rows()).toHaveLength(16));
    type($('[data-testid=filter]'), 'release-bot');
    click($('[data-testid=token-row]'));
    const facts = await until(() => $('[data-testid=detail-reminders]'));
    expect(facts.closest('dl')?.textContent).toContain('Reminders');
    expect($('[data-testid=reminder-leads]').textContent?.replace(/\s+/g, ' ')).toContain(`${detail.reminders.leads_text} (app default)`);
    const next = Date.parse(detail.reminders.next_at ?? '');
    const line = $('[data-testid=next-reminder]').textContent?.replace(/\s+/g, ' ');
    expect(line).toContain(`Next reminder: ${formatLocal(next)}, in 2h`);
    gone('rotation-due');
  });

  it('says when rotation is due', async () => {
    start();
    const { detail } = demoToken('ads-system-user');
    await until(() => expect(rows()).toHaveLength(16));
    type($('[data-testid=filter]'), 'ads-system-user');
    click($('[data-testid=token-row]'));
    const due = await until(() => $('[data-testid=rotation-due]'));
    expect(due.textContent).toContain(`Rotation due: ${formatLocalDate(Date.parse(detail.meta.rotate_at ?? ''))}`);
    // Forty days from the fixture's instant, which the clock has just passed.
    expect(due.textContent).toMatch(/\((in 40d|in 39d)\)/);
  });

  it('says nothing about a next reminder when none is due', async () => {
    start();
    await until(() => expect(rows()).toHaveLength(16));
    type($('[data-testid=filter]'), 'graph-reader');
    click($('[data-testid=token-row]'));
    await until(() => $('[data-testid=detail-reminders]'));
    gone('next-reminder');
  });
});

describe('when notifications cannot reach the desktop', () => {
  const BROKEN = {
    ok: false,
    server: null,
    message: 'No notification server is running. Install one, such as dunst or mako.',
  };

  it('shows no banner while notifications work', async () => {
    start();
    await until(() => expect(rows()).toHaveLength(16));
    gone('notifications-banner');
  });

  it('says so with what to install, and can be dismissed for the session', async () => {
    start((h) => h.setNotificationHealth(BROKEN));
    const banner = await until(() => $('[data-testid=notifications-banner]'));
    expect(banner.getAttribute('role')).toBe('status');
    expect(banner.textContent).toContain('Desktop notifications are unavailable');
    expect(banner.textContent).toContain(BROKEN.message);
    const dismiss = $('[data-testid=notifications-dismiss]');
    expect(dismiss.getAttribute('aria-label')).toBeTruthy();
    click(dismiss);
    gone('notifications-banner');
  });

  it('checks again when the app says the health changed, and comes back after a dismissal', async () => {
    start();
    await until(() => expect(rows()).toHaveLength(16));
    host.setNotificationHealth(BROKEN);
    host.announceNotificationsChanged();
    click(await until(() => $('[data-testid=notifications-dismiss]')));
    gone('notifications-banner');
    host.setNotificationHealth({ ...BROKEN, message: 'The notification server stopped answering.' });
    host.announceNotificationsChanged();
    await until(() => expect($('[data-testid=notifications-message]').textContent).toBe('The notification server stopped answering.'));
    host.setNotificationHealth(null);
    host.announceNotificationsChanged();
    await until(() => gone('notifications-banner'));
  });
});

describe('open-token', () => {
  it('selects the token, lifts a filter that hides it, and brings its detail into view', async () => {
    start();
    await until(() => expect(rows()).toHaveLength(16));
    type($('[data-testid=filter]'), 'gitlab');
    expect(names()).toEqual(['release-bot']);
    const { id } = demoToken('publish').detail.meta;
    host.announceOpenToken(id);
    await until(() => expect($('[data-testid=detail]').dataset.tokenId).toBe(id));
    expect(input('filter').value).toBe('');
    expect(rows()).toHaveLength(16);
    expect($('[data-testid=token-row][aria-selected=true]').dataset.tokenId).toBe(id);
    await until(() => expect(document.activeElement).toBe($('[data-testid=detail]')));
  });

  it('keeps a filter that already shows the token, and lifts a provider that does not', async () => {
    start();
    await until(() => expect(rows()).toHaveLength(16));
    type($('[data-testid=filter]'), 'github');
    host.announceOpenToken(demoToken('docs-readonly').detail.meta.id);
    await until(() => expect($('[data-testid=detail-name]').textContent).toBe('docs-readonly'));
    expect(input('filter').value).toBe('github');

    type($('[data-testid=filter]'), '');
    click($('[data-testid=provider-item][data-provider-id=github]'));
    host.announceOpenToken(demoToken('publish').detail.meta.id);
    await until(() => expect($('[data-testid=detail-name]').textContent).toBe('publish'));
    expect($('[data-testid=provider-all]').getAttribute('aria-current')).toBe('true');
  });

  it('with renew (a notification\'s "Renew…") opens the guide for its replacement', async () => {
    start();
    await until(() => expect(rows()).toHaveLength(16));
    const { id, name } = demoToken('publish').detail.meta;
    host.announceOpenToken(id, true);
    await until(() => expect($('[data-testid=detail]').dataset.tokenId).toBe(id));
    const wizard = await until(() => $('[data-testid=generate-wizard]'));
    // Replace mode: the steps of the token's own guide, and the old token named.
    await until(() => expect($$('[data-testid=wizard-step]').length).toBeGreaterThan(0));
    expect(wizard.textContent).toContain(name);
  });

  it('says so when the token is gone', async () => {
    start();
    await until(() => expect(rows()).toHaveLength(16));
    host.announceOpenToken('ffffffff-0000-4000-8000-00000000dead');
    await until(() => expect($('[data-testid=toast]').textContent).toContain('no longer in Tokenkeeper'));
  });
});
