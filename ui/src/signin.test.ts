// The Generate wizard's OAuth / OpenID Connect path against the fake host: pick a provider
// profile (or add one), a flow the profile can run, sign in (the code flow waits for the
// browser, the device flow shows its code, a QR code and how long it lasts), and how it ended.

import { flushSync } from 'svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Profile } from './lib/bindings/Profile';
import { FAKE_USER_CODE, type FakeHost } from './lib/host/fake';
import { appHarness, openToken } from './test/app';
import { $, $$, click, tabbable, type, until } from './test/dom';

const app = appHarness();
let host: FakeHost;

const text = (testid: string) => $(`[data-testid=${testid}]`).textContent?.replace(/\s+/g, ' ').trim() ?? '';
const button = (testid: string) => $(`[data-testid=${testid}]`) as HTMLButtonElement;
const gone = (testid: string) => expect(document.querySelector(`[data-testid=${testid}]`)).toBeNull();
const esc = () => {
  $('[data-testid=generate-wizard]').dispatchEvent(new Event('cancel', { cancelable: true }));
  flushSync();
};

/** Opens the wizard from a guide's token and takes the OAuth path: its profile page. */
async function openSignIn(): Promise<void> {
  host = app.start();
  await openToken('docs-readonly');
  click(await until(() => $('[data-testid=generate-open]')));
  click(await until(() => $('[data-testid=wizard-way-oauth]')));
  await until(() => expect($$('[data-testid=profile-choice]')).toHaveLength(1));
}

/** From the profile page, picks `flow` and a name, and signs in; returns the login id. */
async function signIn(flow: 'code' | 'device', name = 'carol'): Promise<string> {
  click(button('signin-next'));
  click(await until(() => $(`[data-testid=flow-choice][data-flow=${flow}] input`)));
  type($('[data-testid=signin-name]'), name);
  click(button('signin-start'));
  await until(() => expect($('[data-testid=signin-progress]').dataset.phase).toBe('waiting'));
  const [id] = host.pendingLogins();
  if (id === undefined) throw new Error('no sign-in under way');
  return id;
}

afterEach(() => {
  // jsdom has no clipboard; the device-code test lends one.
  if (Object.hasOwn(navigator, 'clipboard')) Reflect.deleteProperty(navigator, 'clipboard');
});

describe('the wizard\'s OAuth path', () => {
  it('offers signing in beside the guides, lists the profiles with their flows, and explains each flow', async () => {
    await openSignIn();
    expect(text('profile-choice')).toContain('corp-sso');
    expect(text('profile-choice')).toContain('https://id.example.com');
    expect(text('profile-choice')).toContain('Browser sign-in · Device code');
    click(button('signin-next'));
    const flows = await until(() => $$('[data-testid=flow-choice]'));
    expect(flows.map((f) => f.dataset.flow)).toEqual(['code', 'device']);
    expect(flows[0]?.textContent).toContain('Sign in in your browser');
    expect(flows[1]?.textContent).toContain('Enter a code on another device');
    click(button('signin-flow-back'));
    click(button('wizard-way-guide'));
    await until(() => $('[data-testid=wizard-provider]'));
  });

  it('waits for the browser, opens the page again, and Cancel stops the sign-in', async () => {
    await openSignIn();
    const id = await signIn('code');
    expect(text('signin-waiting')).toBe('Waiting for you to sign in in your browser…');
    expect(host.loginCalls[0]).toEqual(['startLogin', 'corp-sso', 'code', 'carol']);
    const url = ($('[data-testid=signin-url]') as HTMLInputElement).value;
    expect(url).toMatch(/^https:\/\/id\.example\.com\/authorize\?/);
    expect(($('[data-testid=signin-url]') as HTMLInputElement).readOnly).toBe(true);
    // The shell opened it once; the button asks it again, by login id only.
    expect(host.opened).toEqual([url]);
    click(button('signin-open-page'));
    await until(() => expect(host.loginCalls).toContainEqual(['openLoginPage', id]));
    expect(host.opened).toEqual([url, url]);
    expect(text('signin-expiry')).toMatch(/^The sign-in times out in (10:00|09:5\d)$/);
    click(button('signin-cancel'));
    await until(() => expect(host.loginCalls).toContainEqual(['cancelLogin', id]));
    // Back at the flow step, with nothing under way.
    await until(() => $('[data-testid=flow-list]'));
    expect(host.pendingLogins()).toEqual([]);
  });

  it('says where the tokens were saved, and Open token shows them', async () => {
    await openSignIn();
    const id = await signIn('code');
    host.finishLogin(id);
    await until(() => expect(text('signin-saved-name')).toBe('corp-sso/carol'));
    click(button('signin-open-token'));
    await until(() => expect($('[data-testid=detail-name]').textContent).toBe('carol'));
    gone('generate-wizard');
    expect(text('detail-provider')).toBe('corp-sso');
    await until(() => expect(text('grant-profile')).toBe('corp-sso · Browser sign-in'));
  });

  it('ignores the end of a sign-in that is not its own', async () => {
    await openSignIn();
    const other = await host.startLogin('corp-sso', 'device', 'other');
    await signIn('code');
    host.finishLogin(other.login_id, { code: 'provider', message: 'not this one' });
    await new Promise((r) => setTimeout(r, 20));
    expect($('[data-testid=signin-progress]').dataset.phase).toBe('waiting');
  });

  it('shows why a sign-in failed, with Try again and Back', async () => {
    await openSignIn();
    const id = await signIn('code');
    host.finishLogin(id, { code: 'provider', message: 'access_denied: the user declined' });
    await until(() => expect($('[data-testid=signin-error]').dataset.code).toBe('provider'));
    expect(text('signin-error')).toContain('access_denied: the user declined');
    click(button('signin-retry'));
    await until(() => expect($('[data-testid=signin-progress]').dataset.phase).toBe('waiting'));
    expect(host.loginCalls.filter(([c]) => c === 'startLogin')).toHaveLength(2);
    const again = host.pendingLogins()[0] ?? '';
    host.finishLogin(again, { code: 'network', message: 'id.example.com did not answer' });
    click(await until(() => button('signin-back')));
    await until(() => $('[data-testid=flow-list]'));
  });

  it('shows a device code large, a QR code of the address, its countdown, and opens the page', async () => {
    const writeText = vi.fn().mockResolvedValue(undefined);
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    await openSignIn();
    const id = await signIn('device');
    expect(text('signin-user-code')).toBe(FAKE_USER_CODE);
    expect(text('signin-uri')).toBe('https://id.example.com/device');
    const qr = $('[data-testid=signin-qr]');
    expect(qr.tagName.toLowerCase()).toBe('svg');
    expect(qr.getAttribute('aria-label')).toContain('QR code');
    expect(qr.querySelectorAll('rect, path').length).toBeGreaterThan(1);
    expect(qr.querySelector('path')?.getAttribute('d')?.length).toBeGreaterThan(100);
    expect(text('signin-expiry')).toMatch(/^The code expires in (10:00|09:5\d)$/);
    expect(text('signin-open-page')).toContain('Open id.example.com in your browser');
    click(button('signin-open-page'));
    await until(() => expect(host.loginCalls).toContainEqual(['openLoginPage', id]));
    expect(host.opened.at(-1)).toBe(`https://id.example.com/device?user_code=${FAKE_USER_CODE}`);
    click(button('signin-copy-code'));
    await until(() => expect(writeText).toHaveBeenCalledWith(FAKE_USER_CODE));
    host.finishLogin(id);
    await until(() => expect(text('signin-saved-name')).toBe('corp-sso/carol'));
  });

  it('cancels a sign-in on Esc, and closes on the next', async () => {
    await openSignIn();
    const id = await signIn('device');
    esc();
    await until(() => expect(host.loginCalls).toContainEqual(['cancelLogin', id]));
    await until(() => $('[data-testid=flow-list]'));
    $('[data-testid=generate-wizard]');
    esc();
    gone('generate-wizard');
  });

  it('reaches every control of its steps by Tab', async () => {
    await openSignIn();
    const reach = () => tabbable($('[data-testid=generate-wizard]'));
    expect(reach()).toContain($('[data-testid=wizard-way-oauth]'));
    expect(reach()).toContain($('[data-testid=profile-choice] input'));
    expect(reach()).toContain(button('profile-add'));
    expect(reach()).toContain(button('signin-next'));
    click(button('signin-next'));
    await until(() => $('[data-testid=flow-list]'));
    // The step's first control takes the focus the Continue button had.
    await until(() => expect(document.activeElement).toBe($('[data-testid=flow-choice][data-flow=code] input')));
    for (const el of [...$$('[data-testid=flow-choice] input'), $('[data-testid=signin-name]'), button('signin-start'), button('signin-flow-back')]) {
      expect(reach()).toContain(el);
    }
    click(button('signin-start'));
    await until(() => $('[data-testid=signin-cancel]'));
    await until(() => expect(document.activeElement).toBe(button('signin-open-page')));
    for (const t of ['signin-open-page', 'signin-cancel']) expect(reach()).toContain(button(t));
    expect(reach()).toContain($('[data-testid=signin-progress] summary'));
  });
});

describe('adding a provider profile', () => {
  async function openForm(): Promise<void> {
    await openSignIn();
    click(button('profile-add'));
    await until(() => $('[data-testid=profile-form]'));
  }

  it('asks for a name, the issuer and the client id before it saves', async () => {
    await openForm();
    expect(($('[data-testid=profile-scopes]') as HTMLInputElement).value).toBe('openid offline_access');
    expect(button('profile-save').disabled).toBe(true);
    expect(text('profile-blocked')).toBe('Give the profile a name.');
    type($('[data-testid=profile-name]'), 'acme');
    expect(text('profile-blocked')).toBe('Give the issuer URL, or its endpoints under More.');
    type($('[data-testid=profile-issuer]'), 'https://login.acme.dev');
    expect(text('profile-blocked')).toBe('Give the client id.');
    type($('[data-testid=profile-client-id]'), 'tk-desktop');
    gone('profile-blocked');
    expect(button('profile-save').disabled).toBe(false);
  });

  it('shows what the shell refused in place, keeping what was typed', async () => {
    await openForm();
    type($('[data-testid=profile-name]'), 'acme');
    type($('[data-testid=profile-issuer]'), 'https://login.acme.dev');
    type($('[data-testid=profile-client-id]'), 'tk-desktop');
    host.nextProfileError = { code: 'provider', message: 'login.acme.dev has no discovery document' };
    click(button('profile-save'));
    await until(() => expect($('[data-testid=profile-error]').dataset.code).toBe('provider'));
    expect(text('profile-error')).toContain('login.acme.dev has no discovery document');
    expect(($('[data-testid=profile-name]') as HTMLInputElement).value).toBe('acme');
  });

  it('says it is looking up the issuer while it saves, then lists the new profile picked', async () => {
    await openForm();
    type($('[data-testid=profile-name]'), 'acme');
    type($('[data-testid=profile-issuer]'), 'https://login.acme.dev');
    type($('[data-testid=profile-client-id]'), 'tk-desktop');
    type($('[data-testid=profile-secret]'), 's3cret');
    const save = host.saveProfile;
    let release: () => void = () => {};
    host.saveProfile = (input, secret) => new Promise<Profile>((r) => (release = () => r(save(input, secret))));
    click(button('profile-save'));
    await until(() => expect(text('profile-saving')).toBe('Looking up the issuer…'));
    expect(button('profile-save').disabled).toBe(true);
    release();
    await until(() => expect($$('[data-testid=profile-choice]')).toHaveLength(2));
    const acme = $('[data-testid=profile-choice][data-profile=acme]');
    expect(($('input', acme) as HTMLInputElement).checked).toBe(true);
    expect(acme.textContent).toContain('Client credentials');
    click(button('signin-next'));
    const flows = await until(() => $$('[data-testid=flow-choice]'));
    expect(flows.map((f) => f.dataset.flow)).toEqual(['code', 'device', 'client-credentials']);
    expect(flows[2]?.textContent).toContain('The app\'s own token, no user');
  });

  it('takes endpoints typed in for a server without discovery, and offers only what they allow', async () => {
    await openForm();
    type($('[data-testid=profile-name]'), 'legacy');
    type($('[data-testid=profile-client-id]'), 'tk-desktop');
    type($('[data-testid=profile-ep-token]'), 'https://legacy.example.com/oauth/token');
    type($('[data-testid=profile-ep-authorization]'), 'https://legacy.example.com/oauth/authorize');
    gone('profile-blocked');
    const save = vi.spyOn(host, 'saveProfile');
    click(button('profile-save'));
    await until(() => expect($$('[data-testid=profile-choice]')).toHaveLength(2));
    expect(save.mock.calls[0]?.[0]).toMatchObject({
      issuer: null,
      endpoints: { token: 'https://legacy.example.com/oauth/token', authorization: 'https://legacy.example.com/oauth/authorize', device_authorization: null },
    });
    click(button('signin-next'));
    const flows = await until(() => $$('[data-testid=flow-choice]'));
    expect(flows.map((f) => f.dataset.flow)).toEqual(['code']);
  });

  it('starts at the profile when opened from a sign-in\'s token', async () => {
    host = app.start();
    await openToken('alice');
    click(await until(() => $('[data-testid=sign-in-new]')));
    await until(() => expect($('[data-testid=profile-choice][data-profile=corp-sso] input')).toHaveProperty('checked', true));
    expect(($('[data-testid=wizard-way-oauth]') as HTMLInputElement).checked).toBe(true);
  });
});
