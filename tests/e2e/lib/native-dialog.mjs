// The app's native file dialogs (GTK, opened by the shell itself, outside the page), answered
// as a user would: with the keyboard, through xdotool. WebDriver cannot reach them.

import { run, until } from './app.mjs';

async function xdotool(args) {
  const r = await run('xdotool', args, { timeout: 5_000 });
  return r.code === 0 ? r.stdout.trim() : null;
}

/**
 * Waits for the native dialog titled `title` and answers it: types `path` into it and presses
 * Enter, or with `path` null closes it with Escape (the user cancelled).
 */
export async function answerFileDialog(title, path, { timeout = 15_000 } = {}) {
  // Poll rather than `search --sync`: a search aborts with BadWindow when a window it looks at
  // goes away meanwhile.
  const win = await until(async () => (await xdotool(['search', '--onlyvisible', '--name', `^${title}$`]))?.split('\n')[0], {
    timeout,
    message: `the app never showed its "${title}" file dialog`,
  });
  await xdotool(['windowfocus', '--sync', win]);
  // Let GTK settle its initial focus (the name field of a save dialog, the list of an open one).
  await new Promise((r) => setTimeout(r, 500));
  if (path !== null) {
    // Ctrl+L opens an open dialog's location field; a save dialog's name field takes a whole
    // path as it is. Ctrl+A replaces what the field proposes.
    await xdotool(['key', '--clearmodifiers', 'ctrl+l']);
    await xdotool(['key', '--clearmodifiers', 'ctrl+a']);
    await xdotool(['type', '--delay', '20', path]);
  }
  // The location field may take the first Enter for its completion (and a popup the first
  // Escape): the key again while the dialog is still there.
  const key = path === null ? 'Escape' : 'Return';
  for (let i = 0; i < 4; i++) {
    await xdotool(['key', '--clearmodifiers', key]);
    const closed = await until(async () => (await xdotool(['search', '--onlyvisible', '--name', `^${title}$`])) === null, {
      timeout: 1_500,
      message: 'open',
    }).then(
      () => true,
      () => false,
    );
    if (closed) return;
  }
  throw new Error(`the "${title}" file dialog stayed open after it was answered`);
}
