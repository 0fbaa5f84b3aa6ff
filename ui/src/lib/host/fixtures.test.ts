// The fake host must answer exactly what the fixtures say core answered: this is what keeps the
// browser build and every UI test from drifting away from the app. (A Rust test keeps the
// fixtures themselves from drifting away from core.)

import { afterEach, describe, expect, it } from 'vitest';
import { STATUS_ORDER } from '../state/status';
import { demoSeed } from './demo';
import { createFakeHost, type FakeHost } from './fake';
import { CATALOG, DEMO, INSPECTIONS, LEADS, PROFILES } from './fixture-data';
import catalogJson from './fixtures/catalog.json';
import demoJson from './fixtures/demo.json';
import inspectionsJson from './fixtures/inspections.json';
import leadsJson from './fixtures/leads.json';
import profilesJson from './fixtures/profiles.json';

let host: FakeHost;
afterEach(() => host?.dispose());

describe('the fake host against the fixtures', () => {
  it('lists exactly the catalog list_providers returns', async () => {
    host = createFakeHost();
    expect(await host.listProviders()).toEqual(catalogJson);
  });

  it('answers inspect exactly as inspect_token did, for every sample', async () => {
    host = createFakeHost({ now: () => inspectionsJson.now * 1000 });
    const inputs = Object.keys(inspectionsJson.samples);
    expect(inputs.length).toBeGreaterThan(0);
    for (const [input, answer] of Object.entries(INSPECTIONS.samples)) {
      if ('ok' in answer) await expect(host.inspect(input), input).resolves.toEqual(answer.ok);
      else await expect(host.inspect(input), input).rejects.toEqual(answer.error);
    }
  });

  it('seeds the demo vault with the metas, and answers the details, the vault gave', async () => {
    const seed = demoSeed();
    expect(seed.map((t) => t.meta)).toEqual(demoJson.tokens.map((t) => t.detail.meta));
    host = createFakeHost({ seed, now: () => demoJson.now * 1000 });
    expect(await host.listTokens()).toEqual(demoJson.tokens.map((t) => t.detail.meta));
    for (const t of DEMO.tokens) {
      expect(await host.tokenDetail(t.detail.meta.id), t.detail.meta.name).toEqual(t.detail);
      expect(await host.revealToken(t.detail.meta.id)).toBe(t.secret);
    }
  });

  it('stores what inspect_token said when a sample is added', async () => {
    host = createFakeHost({ now: () => INSPECTIONS.now * 1000 });
    for (const [input, answer] of Object.entries(INSPECTIONS.samples)) {
      if (!('ok' in answer) || input.trim() === '') continue;
      const provider = answer.ok.provider ?? 'stripe';
      const name = `sample-${Object.keys(INSPECTIONS.samples).indexOf(input)}`;
      const added = await host.addToken(input, { name, provider });
      expect(added, input).toMatchObject({
        format: answer.ok.format, kind: answer.ok.kind, scopes: answer.ok.scopes, account: answer.ok.account,
        issued_at: answer.ok.issued_at, not_before: answer.ok.not_before, expires_at: answer.ok.expires_at,
        soon_at: answer.ok.soon_at, status: answer.ok.status,
      });
      expect((await host.tokenDetail(added.id)).masked, input).toBe(answer.masked);
    }
  });

  it('answers parse_leads exactly as core did, for every text', async () => {
    host = createFakeHost();
    expect(Object.keys(leadsJson.parsed).length).toBeGreaterThan(5);
    for (const [text, answer] of Object.entries(LEADS.parsed)) {
      if ('ok' in answer) await expect(host.parseLeads(text), text).resolves.toEqual(answer.ok);
      else await expect(host.parseLeads(text), text).rejects.toEqual(answer.error);
    }
  });

  it('answers format_leads as core wrote each parsed list back, and the default', async () => {
    host = createFakeHost();
    for (const [text, answer] of Object.entries(LEADS.parsed)) {
      if (!('ok' in answer) || answer.ok === null) continue;
      await expect(host.formatLeads(answer.ok), text).resolves.toBe(answer.text);
    }
    await expect(host.formatLeads(LEADS.default)).resolves.toBe(LEADS.default_text);
  });

  it('starts with the app\'s default lead times and no autostart decision', async () => {
    host = createFakeHost();
    expect(await host.getSettings()).toMatchObject({ remind_leads_secs: leadsJson.default, autostart: null });
  });

  it('has a demo with one token of every status', () => {
    expect(new Set(DEMO.tokens.map((t) => t.detail.meta.status))).toEqual(new Set(STATUS_ORDER));
  });

  it('names only catalog providers and provider profiles in the demo', () => {
    const ids = new Set([...CATALOG.map((p) => p.id), ...PROFILES.map((p) => p.name)]);
    for (const t of DEMO.tokens) expect(ids.has(t.detail.meta.provider), t.detail.meta.provider).toBe(true);
    // A profile is not a catalog provider: the UI shows it by its own name.
    expect(PROFILES.some((p) => CATALOG.some((c) => c.id === p.name))).toBe(false);
  });

  it('lists exactly the profiles list_profiles returns, and their sign-ins with a grant', async () => {
    host = createFakeHost({ seed: demoSeed(), now: () => demoJson.now * 1000 });
    expect(await host.listProfiles()).toEqual(profilesJson);
    const signedIn = DEMO.tokens.filter((t) => t.detail.grant !== null);
    expect(signedIn.length).toBeGreaterThan(1);
    for (const t of signedIn) expect(PROFILES.map((p) => p.name)).toContain(t.detail.grant?.profile);
  });
});
