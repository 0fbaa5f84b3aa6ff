// What the fake host stores for each token, how it is set up, and the small helpers its parts
// share (`fake.ts`, the host; `fake-reminders.ts`, its lead times, reminders and the default
// notification health).

import type { CheckReport } from '../bindings/CheckReport';
import type { ErrorInfo } from '../bindings/ErrorInfo';
import type { GrantInfo } from '../bindings/GrantInfo';
import type { Inspection } from '../bindings/Inspection';
import type { ReminderInfo } from '../bindings/ReminderInfo';
import type { TokenEvent } from '../bindings/TokenEvent';
import type { TokenMeta } from '../bindings/TokenMeta';
import type { InspectAnswer } from './fixture-data';

export interface StoredToken {
  meta: TokenMeta;
  /** As pasted: normalising it (trim, a leading `Bearer `) is core's job, not the fake's. */
  secret: string;
  /** Oldest first. */
  events: TokenEvent[];
  /** What core's inspection of the secret said (its `status` is replaced by the row's). */
  inspection: Inspection | null;
  /** The vault's masked preview of the secret. */
  masked: string | null;
  /** The OAuth sign-in behind it, as the vault reports it. */
  grant?: GrantInfo | null;
  /**
   * What core said about the token's reminders (the demo fixture's), or null once the fake has
   * changed something they depend on and so cannot know them any more.
   */
  reminders: ReminderInfo | null;
  /** The last live check, as `token_detail` answers it (none when absent). */
  check?: CheckReport | null;
  /** The secret was deleted from the keyring when the token was revoked here. */
  deleted?: boolean;
  /**
   * The hosts git's credential helper hands it to. Kept as typed (trimmed): reading a URL or
   * `HOST/PATH` into a binding is core's (`GitBinding::parse`), which the e2e suite drives.
   */
  gitHosts?: string[];
}

export interface FakeOptions {
  /** Tokens to start with (see `demo.ts`). */
  seed?: StoredToken[];
  /** The clock; tests pass a fixed one. */
  now?: () => number;
  /** Delay every answer, to see loading states in the browser. */
  latencyMs?: number;
  /** A sign-in ends by itself this long after it started (the browser build); unset, only `finishLogin` ends it. */
  loginDelayMs?: number;
  /** What `inspect` answers, by exact input; default fixtures/inspections.json as it is. */
  inspections?: Record<string, InspectAnswer>;
}

export const CLIPBOARD_SECS_MIN = 5;
export const CLIPBOARD_SECS_MAX = 600;

/** The answer for an input the fixtures do not hold. */
export const UNKNOWN_INPUT: ErrorInfo = {
  code: 'token_malformed',
  message: 'The browser preview only knows the sample tokens in fixtures/inspections.json; paste one of those.',
};

export function reject(code: ErrorInfo['code'], message: string): never {
  throw { code, message } satisfies ErrorInfo;
}

export const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
