// The provider catalog the fake host serves, and which token prefixes mean which kind. It mirrors
// the shape of the Rust catalog; the real one is data in tokenkeeper-core and may differ in detail.

import type { ProviderInfo } from '../bindings/ProviderInfo';
import type { TokenKind } from '../bindings/TokenKind';

type Entry = Omit<ProviderInfo, 'prefixes'> & { prefixes: Array<[string, TokenKind]> };

function entry(
  id: string,
  name: string,
  kinds: TokenKind[],
  prefixes: Array<[string, TokenKind]>,
  default_lifetime_days: number | null,
  create_url: string | null,
  docs_url: string | null = null,
): Entry {
  return { id, name, kinds, prefixes, default_lifetime_days, create_url, revoke_url: create_url, docs_url };
}

const ENTRIES: Entry[] = [
  entry('github', 'GitHub', ['personal', 'access', 'refresh'], [
    ['github_pat_', 'personal'],
    ['ghp_', 'personal'],
    ['gho_', 'access'],
    ['ghu_', 'access'],
    ['ghs_', 'access'],
    ['ghr_', 'refresh'],
  ], 30, 'https://github.com/settings/tokens'),
  entry('gitlab', 'GitLab', ['personal', 'access', 'bot'], [['glpat-', 'personal']], 30,
    'https://gitlab.com/-/user_settings/personal_access_tokens'),
  entry('meta', 'Meta', ['access', 'system_user'], [['EAA', 'access']], 60,
    'https://business.facebook.com/settings/system-users'),
  entry('auth0', 'Auth0', ['access', 'id', 'refresh'], [], 1, null),
  entry('entra', 'Microsoft Entra ID', ['access', 'id', 'refresh'], [], 1, null),
  entry('google', 'Google', ['access', 'id', 'refresh'], [['ya29.', 'access'], ['1//', 'refresh']], 1,
    null),
  entry('npm', 'npm', ['personal', 'api_key'], [['npm_', 'personal']], 30,
    'https://www.npmjs.com/settings/~/tokens'),
  entry('slack', 'Slack', ['bot', 'access', 'refresh'], [['xoxb-', 'bot'], ['xoxp-', 'access'], ['xoxe-', 'refresh']],
    null, 'https://api.slack.com/apps'),
  entry('spotify', 'Spotify', ['access', 'refresh'], [], null, 'https://developer.spotify.com/dashboard'),
  entry('stripe', 'Stripe', ['api_key'], [
    ['sk_live_', 'api_key'],
    ['sk_test_', 'api_key'],
    ['rk_live_', 'api_key'],
    ['rk_test_', 'api_key'],
  ], null, 'https://dashboard.stripe.com/apikeys'),
  entry('openai', 'OpenAI', ['api_key'], [['sk-proj-', 'api_key'], ['sk-svcacct-', 'api_key'], ['sk-', 'api_key']],
    null, 'https://platform.openai.com/api-keys'),
];

export const FAKE_PROVIDERS: ProviderInfo[] = ENTRIES.map((e) => ({
  ...e,
  prefixes: e.prefixes.map(([p]) => p),
}));

/** JWT issuers the fake recognises, by a fragment of `iss`. */
export const ISSUERS: Array<[string, string]> = [
  ['.auth0.com', 'auth0'],
  ['login.microsoftonline.com', 'entra'],
  ['sts.windows.net', 'entra'],
  ['accounts.google.com', 'google'],
  ['gitlab.com', 'gitlab'],
];

/** The longest catalog prefix the input starts with, and what it says. */
export function matchPrefix(input: string): { provider: string; prefix: string; kind: TokenKind } | null {
  let best: { provider: string; prefix: string; kind: TokenKind } | null = null;
  for (const e of ENTRIES) {
    for (const [prefix, kind] of e.prefixes) {
      if (input.startsWith(prefix) && (best === null || prefix.length > best.prefix.length)) {
        best = { provider: e.id, prefix, kind };
      }
    }
  }
  return best;
}
