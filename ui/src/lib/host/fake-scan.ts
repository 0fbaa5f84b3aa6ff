// The fake host's "Find tokens on this machine", on the fake home the shell scanned for the
// fixture (`fixtures/scan.json`): `~/.npmrc`, `~/.netrc` and gh's `hosts.yml` hold tokens (one
// already in the demo vault, one twice), `~/.env` cannot be read. As in the shell, a scan
// changes nothing and remembers what it listed; an import reads only listed files, stores what
// the vault does not hold yet (by secret: stored, already stored, or the same as one above),
// and with a rewrite leaves the file without tokens. The rewrite's sentences are the fixture's
// for the files chosen (its env-file lines as the full import wrote them). `fake.ts` builds
// the host on it.

import type { ErrorInfo } from '../bindings/ErrorInfo';
import type { FoundToken } from '../bindings/FoundToken';
import type { ImportOutcome } from '../bindings/ImportOutcome';
import type { ScannedFile } from '../bindings/ScannedFile';
import type { ScanReport } from '../bindings/ScanReport';
import { FakeBackup } from './fake-backup';
import { SCAN } from './fixture-data';
import { reject } from './fake-store';

type FileState = 'as_found' | 'rewritten';

export class FakeScan extends FakeBackup {
  /** The fake home's files: whether each still holds its tokens (delete one: it is gone). */
  readonly homeFiles = new Map<string, FileState>(SCAN.scan.files.map((f) => [f.path, 'as_found']));
  /** What the next scan or import rejects with, once. */
  nextScanError: ErrorInfo | null = null;
  /** The files the last scan listed: the only ones an import reads. */
  private listed = new Set<string>();

  private staged(): void {
    const err = this.nextScanError;
    this.nextScanError = null;
    if (err) throw { ...err };
  }

  /** The vault's token holding `secret`, if any. */
  private holding(secret: string): { provider: string; name: string } | null {
    const t = [...this.tokens.values()].find((x) => x.meta.revoked_at === null && this.readable(x) === secret);
    return t ? t.meta : null;
  }

  /** The files as a scan sees them now (`store` for new tokens), or, `importing`, as stored. */
  private plan(files: ScannedFile[], importing: boolean): ScannedFile[] {
    const seen = new Map<string, FoundToken>();
    return files.map((f) => {
      if (f.error !== null || this.homeFiles.get(f.path) === 'rewritten') return { ...f, tokens: [] };
      const secrets = SCAN.secrets[f.path] ?? [];
      const tokens = f.tokens.map((t, i): FoundToken => {
        const secret = secrets[i] ?? '';
        const first = seen.get(secret);
        if (first) return { ...t, provider: first.provider, name: first.name, action: 'same_as_above' };
        const held = this.holding(secret);
        let found: FoundToken;
        if (held) found = { ...t, provider: held.provider, name: held.name, action: 'already_stored' };
        else if (!importing) found = { ...t, action: 'store' };
        else {
          this.store(secret, { provider: t.provider, name: t.name, notes: `Imported from ${f.path}`, tags: ['imported'] });
          found = { ...t, action: 'stored' };
        }
        seen.set(secret, found);
        return found;
      });
      return { ...f, tokens };
    });
  }

  scanForTokens = () =>
    this.answer((): ScanReport => {
      this.staged();
      const present = SCAN.scan.files.filter((f) => this.homeFiles.has(f.path));
      this.listed = new Set(present.map((f) => f.path));
      return { looked_in: SCAN.scan.looked_in, files: this.plan(present, false) };
    });

  importFound = (files: string[], rewrite: boolean) =>
    this.answer((): ImportOutcome => {
      for (const f of files) {
        if (!this.listed.has(f)) reject('invalid_input', `${f} was not listed by the last scan, so it was not read; scan again`);
      }
      const chosen = SCAN.scan.files.filter((f) => files.includes(f.path));
      const unreadable = chosen.find((f) => f.error !== null);
      if (unreadable) reject('invalid_input', unreadable.error ?? '');
      this.staged();
      this.checkKeyring();
      const done = this.plan(chosen, true);
      const rewritten = rewrite ? this.rewrite(done) : [];
      queueMicrotask(() => this.emitChanged());
      return { files: done, rewritten };
    });

  private rewrite(done: ScannedFile[]): string[] {
    const paths = done.filter((f) => f.tokens.length > 0).map((f) => f.path);
    for (const p of paths) this.homeFiles.set(p, 'rewritten');
    if (paths.length === 0) return [];
    return SCAN.imported.rewritten.filter((line) =>
      line.startsWith('Rewrote ') ? paths.some((p) => line.startsWith(`Rewrote ${p}:`)) : true,
    );
  }
}
