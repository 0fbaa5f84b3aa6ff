// WCAG AA for the colour pairs the UI actually uses, in both themes, read from theme.css so a
// palette change that breaks contrast fails here.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const css = readFileSync(join(import.meta.dirname, 'theme.css'), 'utf8');

function vars(block: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of block.matchAll(/--([\w-]+):\s*(#[0-9a-f]{6})\s*;/gi)) out[m[1] ?? ''] = m[2] ?? '';
  return out;
}

const darkStart = css.indexOf('@media (prefers-color-scheme: dark)');
const light = vars(css.slice(0, darkStart));
const dark = { ...light, ...vars(css.slice(darkStart)) };

function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function ratio(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** [foreground, background, minimum]: 4.5 for text, 3 for non-text marks. */
const PAIRS: Array<[string, string, number]> = [
  ['text', 'bg', 4.5],
  ['text', 'bg-subtle', 4.5],
  ['text', 'bg-selected', 4.5],
  ['text-muted', 'bg', 4.5],
  ['text-muted', 'bg-subtle', 4.5],
  ['text-muted', 'bg-hover', 4.5],
  ['text-muted', 'bg-selected', 4.5],
  ['accent-text', 'accent', 4.5],
  ['accent-text', 'accent-hover', 4.5],
  ['danger-text', 'danger', 4.5],
  ['danger-text', 'danger-hover', 4.5],
  ['bg', 'text', 4.5],
  ['accent-fg', 'bg', 4.5],
  ['accent-fg', 'bg-selected', 4.5],
  ['focus', 'bg', 3],
  ['focus', 'bg-subtle', 3],
  ['st-valid-fg', 'st-valid-bg', 4.5],
  ['st-soon-fg', 'st-soon-bg', 4.5],
  ['st-expired-fg', 'st-expired-bg', 4.5],
  ['st-neutral-fg', 'st-neutral-bg', 4.5],
  ['st-revoked-fg', 'st-revoked-bg', 4.5],
  ['st-soon-fg', 'bg', 4.5],
  ['st-soon-fg', 'bg-selected', 4.5],
  ['st-expired-fg', 'bg', 4.5],
  ['st-expired-fg', 'bg-selected', 4.5],
  ['text', 'st-soon-bg', 4.5],
  ['st-valid', 'bg', 3],
  ['st-soon', 'bg', 3],
  ['st-expired', 'bg', 3],
  ['st-neutral', 'bg', 3],
];

describe.each([
  ['light', light],
  ['dark', dark],
])('%s theme contrast', (_name, theme) => {
  it.each(PAIRS)('%s on %s', (fg, bg, min) => {
    const a = theme[fg];
    const b = theme[bg];
    expect(a, `--${fg} is defined`).toBeDefined();
    expect(b, `--${bg} is defined`).toBeDefined();
    expect(ratio(a ?? '', b ?? ''), `--${fg} ${a} on --${bg} ${b}`).toBeGreaterThanOrEqual(min);
  });
});
