// The fake host's encrypted backups, as the shell and the vault make them: Export asks where to
// save (the fake's "dialog" answers `saveAs`; null is the user closing it), after refusing a
// passphrase shorter than the core allows, and writes every token with a secret into `backupFiles` (the
// fake's disk), each read logged on its token; revoked tokens and lost secrets are left out and
// counted. Restore picks `openFile` from that disk, and restores it by the vault's rules: a wrong
// passphrase changes nothing; a token already here with the same secret stays; one whose id or
// name is taken comes back beside it, as `NAME (restored)`. `fake.ts` builds the host on it.

import type { BackupPick } from '../bindings/BackupPick';
import type { ExportOutcome } from '../bindings/ExportOutcome';
import type { RestoredToken } from '../bindings/RestoredToken';
import type { RestoreReport } from '../bindings/RestoreReport';
import { FakeOAuth } from './fake-oauth';
import { rules } from './fixture-data';
import { iso, reject, type StoredToken } from './fake-store';

/** The shortest passphrase a new backup takes, and the core's words for a shorter one. */
export const BACKUP_PASSPHRASE_MIN = rules.backup_passphrase_min_chars;

/** A backup on the fake's disk: who can open it, and the tokens as they were exported. */
export interface FakeBackupFile {
  passphrase: string;
  tokens: StoredToken[];
}

export class FakeBackup extends FakeOAuth {
  /** The fake's disk: backup files by name. */
  readonly backupFiles = new Map<string, FakeBackupFile>();
  /** What the user picks in the next save dialog; null closes it. */
  saveAs: string | null = 'tokens.age';
  /** What the user picks in the next open dialog; null closes it. */
  openFile: string | null = 'tokens.age';
  private picked: { handle: string; name: string } | null = null;

  exportBackup = (passphrase: string) =>
    this.answer((): ExportOutcome => {
      if ([...passphrase].length < BACKUP_PASSPHRASE_MIN) {
        reject('invalid_input', rules.short_backup_passphrase);
      }
      const name = this.saveAs;
      if (name === null) return { outcome: 'cancelled' };
      this.checkKeyring();
      const tokens: StoredToken[] = [];
      const missing: string[] = [];
      let revoked = 0;
      for (const t of this.tokens.values()) {
        if (t.meta.revoked_at !== null) revoked++;
        else if (t.meta.secret_missing) missing.push(`${t.meta.provider}/${t.meta.name}`);
        else {
          this.log(t, 'accessed', 'app export');
          tokens.push(structuredClone(t));
        }
      }
      this.backupFiles.set(name, { passphrase, tokens });
      return {
        outcome: 'saved',
        file_name: name,
        exported: { tokens: tokens.length, skipped_revoked: revoked, skipped_missing: missing },
      };
    });

  chooseBackup = () =>
    this.answer((): BackupPick => {
      const name = this.openFile;
      if (name === null) return { outcome: 'cancelled' };
      if (!this.backupFiles.has(name)) reject('storage', `Cannot read ${name}: No such file or directory (os error 2)`);
      this.picked = { handle: crypto.randomUUID(), name };
      return { outcome: 'chosen', file: this.picked.handle, file_name: name };
    });

  restoreBackup = (file: string, passphrase: string, dryRun: boolean) =>
    this.answer((): RestoreReport => {
      if (passphrase === '') reject('invalid_input', 'Type the passphrase the backup was made with');
      const picked = this.picked;
      const backup = picked?.handle === file ? this.backupFiles.get(picked.name) : undefined;
      if (!picked || !backup) reject('invalid_input', 'That backup file is no longer open here: choose it again');
      if (backup.passphrase !== passphrase) {
        reject('invalid_input', 'wrong passphrase: the backup could not be decrypted; nothing was changed');
      }
      const done = backup.tokens.map((e) => this.restoreOne(e, dryRun));
      if (!dryRun) {
        this.picked = null;
        if (done.some((r) => r.action !== 'unchanged')) queueMicrotask(() => this.emitChanged());
      }
      return { file_name: picked.name, dry_run: dryRun, tokens: done };
    });

  /** One token of a backup, as the vault's `restore_backup` treats it. */
  private restoreOne(e: StoredToken, dryRun: boolean): RestoredToken {
    const here = this.tokens.get(e.meta.id);
    if (here && this.readable(here) === e.secret) {
      return { token: `${here.meta.provider}/${here.meta.name}`, id: here.meta.id, action: 'unchanged' };
    }
    const id = here ? crypto.randomUUID() : e.meta.id;
    const { provider } = e.meta;
    const taken = (n: string) => [...this.tokens.values()].some((x) => x.meta.provider === provider && x.meta.name === n);
    let name = e.meta.name;
    if (taken(name)) {
      name = `${e.meta.name} (restored)`;
      for (let n = 2; taken(name); n++) name = `${e.meta.name} (restored ${n})`;
    }
    const action = id === e.meta.id && name === e.meta.name ? 'restored' : 'restored_as_new';
    if (!dryRun) {
      this.checkKeyring();
      const t: StoredToken = {
        ...structuredClone(e),
        events: [],
        grant: null,
        check: null,
        meta: { ...structuredClone(e.meta), id, name, created_at: iso(this.now()), last_copied_at: null },
      };
      this.tokens.set(id, t);
      this.log(t, 'added', t.meta.format);
    }
    return { token: `${provider}/${name}`, id, action };
  }
}
