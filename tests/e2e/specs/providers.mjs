// Provider guides on the real app, against the provider fixture on 127.0.0.1 (the same
// documented answers the remote crate's tests use): the GitHub fine-grained PAT guide walked
// end to end — steps, a wrong paste refused, the right one saved, a live check, the expiry shown
// "from GitHub" — and a GitLab token revoked through GitLab's API and shown revoked.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { suite } from '../lib/harness.mjs';
import {
  check,
  cli,
  closeApp,
  env,
  equal,
  keyringItems,
  openApp,
  openToken,
  rowByName,
  sel,
  text,
  until,
  waitGone,
  waitShown,
} from '../lib/app.mjs';

const driver = env.drivers.providers;
const FIXTURES = join(env.root, 'src-tauri', 'crates', 'remote', 'tests', 'fixtures');
const token = (provider, name) => JSON.parse(readFileSync(join(FIXTURES, `${provider}.json`), 'utf8')).tokens[name];

/** Sets a field's value the way typing does, then leaves it (blur), which counts as a change. */
async function type(browser, testid, value) {
  const field = await browser.$(sel(testid));
  await field.setValue(value);
  await browser.execute((s) => document.querySelector(s)?.dispatchEvent(new Event('change', { bubbles: true })), sel(testid));
}

async function attr(browser, selector, name) {
  return browser.execute((s, n) => document.querySelector(s)?.getAttribute(n) ?? null, selector, name);
}

suite(
  'Provider guides and live checks (provider fixture on 127.0.0.1)',
  {
    before: async () => ({ browser: await openApp(driver) }),
    after: async (ctx) => closeApp(ctx?.browser, driver),
  },
  (test) => {
    test('the GitHub fine-grained PAT guide ends in a saved, checked token with its expiry from GitHub', async ({ browser }) => {
      await waitShown(browser, sel('empty-generate'), 'an empty vault offers no "generate with a guide" button');
      await (await browser.$(sel('empty-generate'))).click();
      await waitShown(browser, sel('generate-wizard'), 'the guide did not open');
      await (await browser.$(sel('wizard-provider'))).selectByAttribute('value', 'github');
      const guide = await browser.$(sel('wizard-guide'));
      if ((await guide.getTagName()) === 'select') {
        await guide.selectByAttribute('value', 'fine_grained_pat');
      } else {
        await (await browser.$('input[name="wizard-guide"][value="fine_grained_pat"]')).click();
      }
      await (await browser.$(sel('wizard-next'))).click();

      const steps = await browser.$$(sel('wizard-step'));
      check(steps.length >= 5, `the guide shows ${steps.length} steps; GitHub's has more`);
      const opens = await browser.$$(sel('wizard-step-open'));
      check(opens.length >= 1, 'no step offers to open GitHub in the browser');
      const facts = (await text(browser, sel('wizard-facts'))) ?? '';
      check(/366 days|expir/i.test(facts), `the policy facts are missing: "${facts}"`);
      for (const box of await browser.$$(sel('wizard-step-done'))) await box.click();
      await (await browser.$(sel('wizard-next'))).click();

      // A classic PAT pasted into the fine-grained guide is caught before it is saved.
      await waitShown(browser, sel('wizard-secret'), 'the guide never asked for the token');
      await type(browser, 'wizard-secret', token('github', 'gh_classic'));
      await until(async () => /github_pat_/.test((await text(browser, sel('wizard-shape'))) ?? ''), {
        timeout: 5_000,
        message: 'a classic PAT in the fine-grained guide was not refused by its prefix',
      });
      await type(browser, 'wizard-secret', token('github', 'gh_fine'));
      await type(browser, 'wizard-name', 'deploy-bot');
      await until(async () => (await browser.$(sel('wizard-save'))).isEnabled(), {
        timeout: 5_000,
        message: 'Save stayed disabled for a well-formed fine-grained PAT',
      });
      await (await browser.$(sel('wizard-save'))).click();

      await until(async () => (await attr(browser, sel('wizard-result'), 'data-state')) === 'valid', {
        timeout: 20_000,
        message: 'the live check against the fixture did not come back valid',
      });
      const expiry = (await text(browser, sel('wizard-expiry'))) ?? '';
      check(/from GitHub/.test(expiry), `the expiry does not say where it came from: "${expiry}"`);
      await (await browser.$(sel('wizard-done'))).click();
      await waitGone(browser, sel('generate-wizard'), 'the guide did not close');

      const row = await rowByName(browser, 'deploy-bot');
      await openToken(browser, row.id);
      const provenance = (await text(browser, sel('expiry-provenance'))) ?? '';
      check(/from GitHub/.test(provenance), `the detail pane's expiry says "${provenance}", not "from GitHub"`);
      const stored = JSON.parse(await cli(driver, ['list', '--json'])).find((t) => t.id === row.id);
      equal(stored.expiry_source, 'provider', 'the stored expiry is not marked as the provider\'s');
      const days = (Date.parse(stored.expires_at) - Date.now()) / 86_400_000;
      check(days > 44 && days < 46, `GitHub's header said 45 days; stored ${days.toFixed(1)}`);
    });

    test('a GitLab token is revoked through GitLab\'s API and shown revoked, its secret deleted', async ({ browser }) => {
      const items = () => keyringItems(driver.service);
      const added = await cli(driver, ['add', '--name', 'gitlab-ci', '--provider', 'gitlab', '--json'], token('gitlab', 'gl_valid'));
      const id = JSON.parse(added).id;
      check((await items()).includes(`${id}.g1`), 'the GitLab token was not in the keyring before Revoke');
      const row = await rowByName(browser, 'gitlab-ci', { timeout: 15_000 });
      equal(row.id, id, 'the CLI-added token is not the one listed');
      await openToken(browser, id);
      await waitShown(browser, sel('revoke-open'), 'a GitLab token offers no Revoke');
      await (await browser.$(sel('revoke-open'))).click();
      await waitShown(browser, sel('revoke-dialog'), 'Revoke did not open its dialog');
      await waitShown(browser, sel('revoke-confirm'), 'GitLab supports revocation by API, but the dialog offers only the checklist');
      await (await browser.$(sel('revoke-confirm'))).click();
      await until(async () => (await rowByName(browser, 'gitlab-ci')).status === 'revoked', {
        timeout: 20_000,
        message: 'the token was not shown revoked after GitLab accepted the revocation',
      });
      check(!(await items()).includes(`${id}.g1`), "the revoked token's secret is still in the keyring");
    });
  },
);
