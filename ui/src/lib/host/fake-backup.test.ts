// The fake host's backups keep the shell's and the vault's contract, so the UI tests against it
// mean something: what an export counts and logs, what a restore of it does, the errors.

import { afterEach, describe, expect, it } from 'vitest';
import { NOW_MS } from '../../test/fixtures';
import { demoSeed } from './demo';
import { createFakeHost, type FakeHost } from './fake';

const PASS = 'correct horse battery';
let host: FakeHost;
afterEach(() => host?.dispose());

const live = (h: FakeHost) => [...h.tokens.values()].filter((t) => t.meta.revoked_at === null && !t.meta.secret_missing);

async function pick(h: FakeHost): Promise<string> {
  const p = await h.chooseBackup();
  if (p.outcome !== 'chosen') throw new Error('the open dialog was closed');
  return p.file;
}

describe('fake host: backups', () => {
  it('exports the tokens with a secret, counts the rest, and logs each secret read', async () => {
    host = createFakeHost({ seed: demoSeed(), now: () => NOW_MS });
    const t = live(host)[0];
    if (!t) throw new Error('the demo vault has no live token');
    t.meta = { ...t.meta, secret_missing: true };
    const expected = live(host).length;
    const revoked = [...host.tokens.values()].filter((x) => x.meta.revoked_at !== null).length;
    const out = await host.exportBackup(PASS);
    expect(out).toEqual({
      outcome: 'saved',
      file_name: 'tokens.age',
      exported: { tokens: expected, skipped_revoked: revoked, skipped_missing: [`${t.meta.provider}/${t.meta.name}`] },
    });
    for (const x of live(host)) expect(x.events.at(-1)).toMatchObject({ kind: 'accessed', detail: 'app export' });
    expect(JSON.stringify(out)).not.toContain(live(host)[0]?.secret);
  });

  it('refuses a short passphrase before the dialog, and answers cancelled for a closed one', async () => {
    host = createFakeHost({ seed: demoSeed() });
    await expect(host.exportBackup('seven77')).rejects.toMatchObject({ code: 'invalid_input' });
    host.saveAs = null;
    expect(await host.exportBackup(PASS)).toEqual({ outcome: 'cancelled' });
    expect(host.backupFiles.size).toBe(0);
    host.openFile = null;
    expect(await host.chooseBackup()).toEqual({ outcome: 'cancelled' });
  });

  it('restores what it exported: a dry run changes nothing, the restore brings back what was lost', async () => {
    host = createFakeHost({ seed: demoSeed() });
    await host.exportBackup(PASS);
    const lost = live(host)[0];
    if (!lost) throw new Error('the demo vault has no live token');
    await host.deleteToken(lost.meta.id);
    let changed = 0;
    host.onTokensChanged(() => changed++);
    const file = await pick(host);
    const dry = await host.restoreBackup(file, PASS, true);
    expect(dry.tokens.find((r) => r.id === lost.meta.id)?.action).toBe('restored');
    expect(dry.tokens.filter((r) => r.action === 'unchanged')).toHaveLength(dry.tokens.length - 1);
    expect(host.tokens.has(lost.meta.id)).toBe(false);
    await Promise.resolve();
    changed = 0;
    const done = await host.restoreBackup(file, PASS, false);
    expect(done.dry_run).toBe(false);
    expect(host.tokens.get(lost.meta.id)?.secret).toBe(lost.secret);
    await Promise.resolve();
    expect(changed).toBe(1);
    // The handle is let go after a restore.
    await expect(host.restoreBackup(file, PASS, true)).rejects.toMatchObject({ code: 'invalid_input' });
  });

  it('says “wrong passphrase” and changes nothing', async () => {
    host = createFakeHost({ seed: demoSeed() });
    await host.exportBackup(PASS);
    const file = await pick(host);
    await expect(host.restoreBackup(file, 'not it', false)).rejects.toEqual({
      code: 'invalid_input',
      message: 'wrong passphrase: the backup could not be decrypted; nothing was changed',
    });
    expect(await host.restoreBackup(file, PASS, true)).toMatchObject({ file_name: 'tokens.age' });
  });

  it('stores a token whose name is taken by a different one beside it, as “NAME (restored)”', async () => {
    host = createFakeHost({ seed: demoSeed() });
    await host.exportBackup(PASS);
    const t = live(host)[0];
    if (!t) throw new Error('the demo vault has no live token');
    const { provider, name } = t.meta;
    await host.deleteToken(t.meta.id);
    // Another token took the name meanwhile: same name, another id and secret.
    host.tokens.set('other', { ...structuredClone(t), secret: 'different', meta: { ...t.meta, id: 'other' } });
    const done = await host.restoreBackup(await pick(host), PASS, false);
    expect(done.tokens.find((r) => r.id === t.meta.id)).toEqual({
      token: `${provider}/${name} (restored)`,
      id: t.meta.id,
      action: 'restored_as_new',
    });
  });
});
