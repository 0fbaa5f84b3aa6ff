// Only the Tauri host module may import @tauri-apps/*: everything else must run in a browser
// against the fake host. ESLint enforces this too; this test catches what a disable comment hides.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = join(import.meta.dirname, '.');
const IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*)['"]@tauri-apps\//;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : /\.(ts|js|svelte)$/.test(name) ? [path] : [];
  });
}

describe('the host boundary', () => {
  it('has exactly one importer of @tauri-apps/*: lib/host/tauri.ts', () => {
    const importers = files(SRC)
      .filter((f) => IMPORT.test(readFileSync(f, 'utf8')))
      .map((f) => relative(SRC, f).split('\\').join('/'));
    expect(importers).toEqual(['lib/host/tauri.ts']);
  });
});
