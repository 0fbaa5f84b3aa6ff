// Provider guides against the fake host: the Generate wizard walks a catalog guide (steps with
// their pages, facts, lifetime, a checked paste, a live check), the Revoke dialog revokes through
// the provider's API or by a checklist, Rotate replaces, and the detail pane says where each
// fact came from.

import { flushSync } from 'svelte';
import { describe, expect, it } from 'vitest';
import type { FakeHost } from './lib/host/fake';
import { CATALOG } from './lib/host/fixture-data';
import { appHarness, openToken as openRow, type StartOptions } from './test/app';
import { $, $$, choose, click, type, until } from './test/dom';
import { demoToken, NOW_MS, SAMPLE } from './test/fixtures';

const app = appHarness();
let host: FakeHost;

function start(opts: StartOptions = {}) {
  host = app.start(opts);
}

const github = CATALOG.find((p) => p.id === 'github');
const fineGrained = github?.guides.find((g) => g.id === 'fine_grained_pat');
const toast = () => document.querySelector('[data-testid=toast]')?.textContent ?? '';
const text = (testid: string) => $(`[data-testid=${testid}]`).textContent?.replace(/\s+/g, ' ').trim() ?? '';
const button = (testid: string) => $(`[data-testid=${testid}]`) as HTMLButtonElement;

async function openToken(name: string): Promise<void> {
  await openRow(name);
  // The provider actions appear once the detail has loaded.
  await until(() => $('[data-testid=provider-actions]'));
}

function paste(el: HTMLElement, value: string): void {
  const input = el as HTMLInputElement;
  input.focus();
  input.value = '';
  const e = new Event('paste', { bubbles: true, cancelable: true });
  Object.defineProperty(e, 'clipboardData', { value: { getData: (t: string) => (t === 'text/plain' ? value : '') } });
  input.dispatchEvent(e);
  flushSync();
}

describe('the Generate wizard', () => {
  it('walks GitHub\'s fine-grained PAT: steps and their pages, facts, lifetime, a checked paste, a live check', async () => {
    if (!fineGrained) throw new Error('the catalog has GitHub\'s fine-grained PAT guide');
    start();
    await openToken('docs-readonly');
    click($('[data-testid=generate-open]'));
    const wizard = await until(() => $('[data-testid=generate-wizard]'));
    expect(($('[data-testid=wizard-provider]', wizard) as HTMLSelectElement).value).toBe('github');
    expect(($('[data-testid=wizard-guide]', wizard) as HTMLSelectElement).value).toBe('fine_grained_pat');
    expect(text('wizard-summary')).toBe(fineGrained.summary);
    // "Other" comes last among the providers offered.
    const offered = $$('[data-testid=wizard-provider] option').map((o) => (o as HTMLOptionElement).value);
    expect(offered.at(-1)).toBe('other');
    click($('[data-testid=wizard-next]'));

    const steps = await until(() => {
      const s = $$('[data-testid=wizard-step]');
      expect(s).toHaveLength(fineGrained.steps.length);
      return s;
    });
    fineGrained.steps.forEach((step, i) => {
      expect(steps[i]?.textContent).toContain(step.text);
      if (step.choice) expect(steps[i]?.textContent).toContain(`Pick: ${step.choice}`);
      expect(steps[i]?.querySelector('[data-testid=wizard-step-open]') !== null, `step ${i} has a page`).toBe(step.url !== null);
    });
    const opens = $$('[data-testid=wizard-step-open]');
    for (const b of opens) click(b);
    const urls = fineGrained.steps.flatMap((s) => (s.url ? [s.url] : []));
    await until(() => expect(host.opened).toEqual(urls));
    const boxes = $$('[data-testid=wizard-step-done]') as HTMLInputElement[];
    expect(boxes.every((b) => !b.checked)).toBe(true);
    click(boxes[0] as HTMLElement);
    expect(boxes[0]?.checked).toBe(true);

    expect($$('[data-testid=wizard-facts] li').map((li) => li.textContent)).toEqual(fineGrained.facts);
    const lifetime = $('[data-testid=wizard-lifetime]') as HTMLSelectElement;
    expect(lifetime.value).toBe(String(fineGrained.lifetime.default.days));
    expect($$('option', lifetime).map((o) => (o as HTMLOptionElement).value)).toEqual(fineGrained.lifetime.choices_days.map(String));
    expect($$('option', lifetime).at(-1)?.textContent).toBe('No expiry');
    click($('[data-testid=wizard-max_source-open]'));
    await until(() => expect(host.opened.at(-1)).toBe(fineGrained.lifetime.max.source));
    click($('[data-testid=wizard-next]'));

    // A paste cut short is refused, with the problem in words.
    const secret = await until(() => $('[data-testid=wizard-secret]'));
    expect(secret.getAttribute('type')).toBe('password');
    paste(secret, 'github_pa');
    await until(() => expect(text('wizard-shape')).toContain('starts with `github_pat_`'));
    type($('[data-testid=wizard-name]'), 'docs-writer');
    expect(button('wizard-save').disabled).toBe(true);

    const good = demoToken('docs-readonly').secret;
    paste(secret, good);
    await until(() => expect($('[data-testid=wizard-shape]').dataset.ok).toBe('true'));
    expect(text('wizard-shape')).not.toContain('checksum');
    // The expiry proposed is the lifetime picked, from now.
    const proposed = Date.parse(($('[data-testid=wizard-expires]') as HTMLInputElement).value);
    expect(Math.abs(proposed - (NOW_MS + 30 * 86_400_000))).toBeLessThan(60_000);
    click(button('wizard-save'));

    const result = await until(() => {
      const r = $('[data-testid=wizard-result]');
      expect(r.dataset.state).toBe('valid');
      return r;
    });
    expect(result.textContent).toContain('GitHub accepted the token');
    expect(text('wizard-expiry')).toMatch(/^Expires .+ — from GitHub$/);
    const added = [...host.tokens.values()].find((t) => t.meta.name === 'docs-writer');
    expect(added?.meta).toMatchObject({ provider: 'github', kind: 'personal', expiry_source: 'provider' });
    expect(added?.secret).toBe(good);

    click($('[data-testid=wizard-done]'));
    await until(() => expect($('[data-testid=detail-name]').textContent).toBe('docs-writer'));
    expect(document.querySelector('[data-testid=generate-wizard]')).toBeNull();
    await until(() => expect(text('expiry-provenance')).toBe('from GitHub'));
    expect(toast()).toContain('Added GitHub / docs-writer');
  });

  it('opens from the empty list and from Add, and closes on Esc', async () => {
    start({ tokens: 0 });
    click(await until(() => $('[data-testid=empty-generate]')));
    await until(() => $('[data-testid=generate-wizard]'));
    choose($('[data-testid=wizard-provider]'), 'gitlab');
    expect(($('[data-testid=wizard-guide]') as HTMLSelectElement).value).toBe('pat');
    $('[data-testid=generate-wizard]').dispatchEvent(new Event('cancel', { cancelable: true }));
    flushSync();
    expect(document.querySelector('[data-testid=generate-wizard]')).toBeNull();

    click($('[data-testid=empty-state] .btn.primary'));
    click(await until(() => $('[data-testid=add-use-guide]')));
    await until(() => $('[data-testid=generate-wizard]'));
    expect(document.querySelector('[data-testid=add-dialog]')).toBeNull();
  });

  it('saves a token for a provider it cannot check, with the guide\'s rotation, and says so', async () => {
    const stripe = CATALOG.find((p) => p.id === 'stripe')?.guides.find((g) => g.id === 'secret');
    start();
    await openToken('payments-live');
    click($('[data-testid=generate-open]'));
    await until(() => $('[data-testid=generate-wizard]'));
    expect(($('[data-testid=wizard-guide]') as HTMLSelectElement).value).toBe('secret');
    click($('[data-testid=wizard-next]'));
    // Stripe's keys have no expiry by default: "No expiry" is preselected.
    expect((await until(() => $('[data-testid=wizard-lifetime]')) as HTMLSelectElement).value).toBe('0');
    click($('[data-testid=wizard-next]'));
    paste(await until(() => $('[data-testid=wizard-secret]')), SAMPLE.stripeKey);
    type($('[data-testid=wizard-name]'), 'payments-new');
    expect(($('[data-testid=wizard-expires]') as HTMLInputElement).value).toBe('');
    await until(() => expect(button('wizard-save').disabled).toBe(false));
    click(button('wizard-save'));
    const result = await until(() => $('[data-testid=wizard-result]'));
    expect(result.dataset.state).toBeUndefined();
    expect(result.textContent).toContain('cannot ask Stripe');
    const added = [...host.tokens.values()].find((t) => t.meta.name === 'payments-new');
    expect(added?.meta.expires_at).toBeNull();
    expect(added?.meta.rotate_every_secs).toBe((stripe?.rotate_every_days ?? 0) * 86_400);
  });

  it('keeps a save error in the dialog', async () => {
    start();
    await openToken('docs-readonly');
    click($('[data-testid=generate-open]'));
    click(await until(() => $('[data-testid=wizard-next]')));
    click(await until(() => $('[data-testid=wizard-next]')));
    paste(await until(() => $('[data-testid=wizard-secret]')), demoToken('docs-readonly').secret);
    // A name GitHub's tokens already use.
    type($('[data-testid=wizard-name]'), 'ci-deploy');
    await until(() => expect(button('wizard-save').disabled).toBe(false));
    click(button('wizard-save'));
    await until(() => expect($('[data-testid=wizard-error]').dataset.code).toBe('duplicate_name'));
    expect($('[data-testid=generate-wizard]')).toBeTruthy();
  });
});

describe('a live check in the detail pane', () => {
  it('asks the provider, shows what it said and when, and where each fact came from', async () => {
    start();
    await openToken('ci-deploy');
    expect(text('expiry-provenance')).toBe('entered by you');
    expect(text('scopes-provenance')).toBe('entered by you');
    const check = button('check-token');
    expect(check.textContent).toContain('Check with GitHub');
    expect(document.querySelector('[data-testid=check-result]')).toBeNull();
    click(check);
    const result = await until(() => {
      const r = $('[data-testid=check-result]');
      expect(r.dataset.state).toBe('valid');
      return r;
    });
    expect(result.textContent).toContain('GitHub accepted the token');
    expect(result.textContent).toContain('checked just now');
    // The provider stated the expiry, not the scopes: only the expiry is now GitHub's.
    await until(() => expect(text('expiry-provenance')).toBe('from GitHub'));
    expect(text('scopes-provenance')).toBe('entered by you');
  });

  it('says when a rate-limited check may be tried again, and shows a refusal', async () => {
    start();
    await openToken('ci-deploy');
    host.nextCheck = { state: 'rate_limited', detail: 'GitHub is limiting requests', retry_after: 300 };
    click(button('check-token'));
    await until(() => expect($('[data-testid=check-result]').dataset.state).toBe('rate_limited'));
    expect(text('check-result-retry')).toContain('try again in 5 min');
    host.nextCheck = { code: 'provider', message: 'GitHub could not be reached.' };
    click(button('check-token'));
    await until(() => expect(text('check-error')).toContain('GitHub could not be reached.'));
  });

  it('labels facts from a JWT, and offers no check where the provider has no API', async () => {
    start();
    await openToken('api-staging');
    expect(text('expiry-provenance')).toBe('from the JWT');
    expect(text('scopes-provenance')).toBe('from the JWT');
    expect(text('account-provenance')).toBe('from the JWT');
    expect(document.querySelector('[data-testid=check-token]')).toBeNull();
  });
});

describe('revoking', () => {
  it('revokes through the provider\'s API once confirmed', async () => {
    start();
    await openToken('ci-deploy');
    click($('[data-testid=revoke-open]'));
    const confirm = await until(() => button('revoke-confirm'));
    expect(confirm.textContent).toContain('Revoke at GitHub');
    click(confirm);
    await until(() => expect($('[data-testid=detail-status]').dataset.status).toBe('revoked'));
    expect(document.querySelector('[data-testid=revoke-dialog]')).toBeNull();
    expect(toast()).toContain('Revoked at GitHub');
    const id = demoToken('ci-deploy').detail.meta.id;
    await expect(host.revealToken(id)).rejects.toMatchObject({ code: 'revoked' });
    await until(() => expect(document.querySelector('[data-testid=revoke-open]')).toBeNull());
    // The reloaded detail says the API can do nothing more for it.
    await until(() => expect(document.querySelector('[data-testid=check-token]')).toBeNull());
  });

  it('falls back to the checklist when the provider says no', async () => {
    start();
    await openToken('ci-deploy');
    host.nextRefusal = { code: 'provider', message: 'GitHub answered 503.' };
    click($('[data-testid=revoke-open]'));
    click(await until(() => $('[data-testid=revoke-confirm]')));
    await until(() => expect(text('revoke-refused')).toContain('GitHub answered 503.'));
    expect($$('[data-testid=revoke-step-done]').length).toBeGreaterThan(0);
    expect(host.tokens.get(demoToken('ci-deploy').detail.meta.id)?.meta.revoked_at).toBeNull();
  });

  it('enables Mark as revoked only once every step of the checklist is ticked', async () => {
    const stripe = CATALOG.find((p) => p.id === 'stripe')?.guides.find((g) => g.id === 'secret');
    start();
    await openToken('payments-live');
    click($('[data-testid=revoke-open]'));
    await until(() => $('[data-testid=mark-revoked]'));
    expect(document.querySelector('[data-testid=revoke-confirm]')).toBeNull();
    const boxes = $$('[data-testid=revoke-step-done]');
    expect(boxes).toHaveLength(stripe?.revoke_steps.length ?? -1);
    expect($$('[data-testid=revoke-step]').map((s) => s.textContent)).toEqual(
      stripe?.revoke_steps.map((s) => expect.stringContaining(s.text)),
    );
    const mark = button('mark-revoked');
    for (const box of boxes) {
      expect(mark.disabled).toBe(true);
      click(box);
    }
    expect(mark.disabled).toBe(false);
    click(boxes[0] as HTMLElement);
    expect(mark.disabled).toBe(true);
    click(boxes[0] as HTMLElement);
    click($('[data-testid=revoke-page]'));
    await until(() => expect(host.opened).toEqual([stripe?.revoke_url]));
    click(mark);
    await until(() => expect($('[data-testid=detail-status]').dataset.status).toBe('revoked'));
    expect(host.tokens.get(demoToken('payments-live').detail.meta.id)?.events.at(-1)).toMatchObject({
      kind: 'revoked', detail: 'revoked by hand at the provider',
    });
  });
});

describe('rotating', () => {
  it('rotates at GitLab: the replacement passes its check and takes over the name', async () => {
    start();
    await openToken('release-bot');
    const old = demoToken('release-bot').detail.meta.id;
    click($('[data-testid=rotate-open]'));
    click(await until(() => $('[data-testid=rotate-confirm]')));
    const outcome = await until(() => $('[data-testid=rotate-outcome]'));
    expect(outcome.dataset.finished).toBe('true');
    expect(outcome.textContent).toContain('Replaced; the new token passed a live check');
    click($('[data-testid=rotate-done]'));
    await until(() => expect($('[data-testid=detail-name]').textContent).toBe('release-bot'));
    expect($('[data-testid=detail]').dataset.tokenId).not.toBe(old);
    expect(host.tokens.get(old)?.meta).toMatchObject({ name: expect.stringMatching(/^release-bot \(replaced \d{4}-\d{2}-\d{2}\)$/) });
    expect(host.tokens.get(old)?.meta.revoked_at).not.toBeNull();
  });

  it('replaces by hand with the guide where the provider cannot rotate, retiring the old one once the new one works', async () => {
    start();
    await openToken('ci-deploy');
    const old = demoToken('ci-deploy').detail.meta.id;
    const replace = $('[data-testid=rotate-open]');
    expect(replace.textContent).toContain('Replace with guide');
    click(replace);
    // Straight to the steps of the token's own guide.
    await until(() => expect($$('[data-testid=wizard-step]').length).toBeGreaterThan(0));
    expect(document.querySelector('[data-testid=wizard-provider]')).toBeNull();
    click($('[data-testid=wizard-next]'));
    paste(await until(() => $('[data-testid=wizard-secret]')), SAMPLE.githubPat);
    expect(document.querySelector('[data-testid=wizard-name]')).toBeNull();
    await until(() => expect(button('wizard-save').disabled).toBe(false));
    click(button('wizard-save'));
    await until(() => expect($('[data-testid=wizard-result]').dataset.state).toBe('valid'));
    await until(() => expect($('[data-testid=generate-wizard]').textContent).toContain('Replaced'));
    click($('[data-testid=wizard-done]'));
    await until(() => expect($('[data-testid=detail-name]').textContent).toBe('ci-deploy'));
    expect($('[data-testid=detail]').dataset.tokenId).not.toBe(old);
    expect(host.tokens.get(old)?.meta.revoked_at).not.toBeNull();
    expect(host.tokens.get(old)?.meta.name).toMatch(/^ci-deploy \(replaced /);
  });

  it('keeps both when the replacement fails its check, until the user retires the old one', async () => {
    start();
    await openToken('ci-deploy');
    const old = demoToken('ci-deploy').detail.meta.id;
    click($('[data-testid=rotate-open]'));
    click(await until(() => $('[data-testid=wizard-next]')));
    paste(await until(() => $('[data-testid=wizard-secret]')), SAMPLE.githubPat);
    await until(() => expect(button('wizard-save').disabled).toBe(false));
    host.nextCheck = { state: 'invalid', detail: 'GitHub does not know this token' };
    click(button('wizard-save'));
    await until(() => expect($('[data-testid=wizard-result]').dataset.state).toBe('invalid'));
    expect(host.tokens.get(old)?.meta.revoked_at).toBeNull();
    expect([...host.tokens.values()].some((t) => t.meta.name === 'ci-deploy (new)')).toBe(true);
    click($('[data-testid=wizard-finish]'));
    await until(() => expect(host.tokens.get(old)?.meta.revoked_at).not.toBeNull());
    expect([...host.tokens.values()].filter((t) => t.meta.name === 'ci-deploy')).toHaveLength(1);
  });

  it('leaves the old token live, and says so, where its provider has no API to revoke it', async () => {
    start();
    await openToken('payments-live');
    const old = demoToken('payments-live').detail.meta.id;
    click($('[data-testid=rotate-open]'));
    click(await until(() => $('[data-testid=wizard-next]')));
    paste(await until(() => $('[data-testid=wizard-secret]')), SAMPLE.stripeKey);
    await until(() => expect(button('wizard-save').disabled).toBe(false));
    click(button('wizard-save'));
    // Stripe cannot be asked: the user confirms the new key works.
    click(await until(() => $('[data-testid=wizard-finish]')));
    await until(() => expect($('[data-testid=wizard-old-live]').textContent).toContain('still works at Stripe'));
    expect(host.tokens.get(old)?.meta.revoked_at).toBeNull();
    expect(host.tokens.get(old)?.meta.name).toMatch(/^payments-live \(replaced /);
    click($('[data-testid=wizard-revoke-old]'));
    await until(() => $('[data-testid=revoke-dialog]'));
    expect($('[data-testid=detail]').dataset.tokenId).toBe(old);
  });
});
