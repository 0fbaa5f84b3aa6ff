// One sign-in as a view follows it: starting (the shell discovers, opens the browser), waiting
// (for the browser or the code typed on another device), then saved, failed or back where it
// began (cancelled). It hears `login-finished` for its own login id only; one that comes before
// `startLogin` has answered is kept until it does. Nothing here decides anything about OAuth: the
// shell says how it went.

import type { ErrorInfo } from '../bindings/ErrorInfo';
import type { Flow } from '../bindings/Flow';
import type { LoginFinished } from '../bindings/LoginFinished';
import type { LoginStarted } from '../bindings/LoginStarted';
import type { TokenMeta } from '../bindings/TokenMeta';
import { toErrorInfo, type Host, type Unsubscribe } from '../host/types';

export type SignInPhase = 'idle' | 'starting' | 'waiting' | 'saved' | 'failed';

export interface SignInAsk {
  profile: string;
  flow: Flow;
  /** null lets the shell name the token; an existing name of the profile signs it in again. */
  name: string | null;
}

export class SignIn {
  phase = $state<SignInPhase>('idle');
  /** What the shell answered to the start: the login id, the page, the device code, when it gives up. */
  started = $state.raw<LoginStarted | null>(null);
  /** The token stored, once saved. */
  token = $state.raw<TokenMeta | null>(null);
  /** Why it failed (the start, or the sign-in itself). */
  error = $state.raw<ErrorInfo | null>(null);
  /** Opening the page again failed (the sign-in goes on). */
  pageError = $state.raw<ErrorInfo | null>(null);
  /** The last sign-in asked for, for "Try again". */
  asked = $state.raw<SignInAsk | null>(null);

  private early: LoginFinished[] = [];
  /** Bumped by every start and reset: an answer to an older start is not this sign-in's. */
  private seq = 0;
  private readonly off: Unsubscribe;

  constructor(private readonly host: Host) {
    this.off = host.onLoginFinished((done) => this.finished(done));
  }

  /** Under way: starting, or waiting for the user. */
  get busy(): boolean {
    return this.phase === 'starting' || this.phase === 'waiting';
  }

  async start(ask: SignInAsk): Promise<void> {
    if (this.busy) return;
    const mine = ++this.seq;
    this.asked = ask;
    this.phase = 'starting';
    this.started = null;
    this.token = null;
    this.error = null;
    this.pageError = null;
    this.early = [];
    try {
      const started = await this.host.startLogin(ask.profile, ask.flow, ask.name);
      // Cancelled (or the view closed) while the shell was starting it.
      if (mine !== this.seq) {
        void this.host.cancelLogin(started.login_id).catch(() => undefined);
        return;
      }
      this.started = started;
      this.phase = 'waiting';
      const done = this.early.find((d) => d.login_id === started.login_id);
      this.early = [];
      if (done) this.finished(done);
    } catch (err) {
      if (mine !== this.seq) return;
      this.error = toErrorInfo(err);
      this.phase = 'failed';
    }
  }

  /** Start the last sign-in again. */
  retry(): Promise<void> {
    return this.asked ? this.start(this.asked) : Promise.resolve();
  }

  /** Stop the sign-in under way; back where it began. Whatever the shell says of it later is ignored. */
  async cancel(): Promise<void> {
    if (!this.busy) return;
    const id = this.started?.login_id ?? null;
    this.reset();
    if (id !== null) {
      try {
        await this.host.cancelLogin(id);
      } catch {
        // The sign-in is forgotten here either way; the shell ends it when it times out.
      }
    }
  }

  /** Back to where it began (after a failure: "Back"). */
  reset(): void {
    this.seq += 1;
    this.phase = 'idle';
    this.started = null;
    this.error = null;
    this.pageError = null;
    this.early = [];
  }

  /** Open the sign-in's own page in the system browser again. */
  async openPage(): Promise<void> {
    const id = this.started?.login_id;
    if (!id) return;
    this.pageError = null;
    try {
      await this.host.openLoginPage(id);
    } catch (err) {
      this.pageError = toErrorInfo(err);
    }
  }

  private finished(done: LoginFinished): void {
    if (this.phase === 'starting') {
      this.early.push(done);
      return;
    }
    if (this.phase !== 'waiting' || done.login_id !== this.started?.login_id) return;
    if (done.cancelled) {
      this.reset();
    } else if (done.token) {
      this.token = done.token;
      this.phase = 'saved';
    } else {
      this.error = done.error ?? { code: 'internal', message: 'The sign-in ended without a token or a reason.' };
      this.phase = 'failed';
    }
  }

  /** The view is going: stop a sign-in under way and stop listening. */
  dispose(): void {
    void this.cancel();
    this.off();
  }
}
