// Every provider file of the built-in catalog validates against the schema beside it
// (src-tauri/crates/core/providers/schema.json), with a JSON Schema validator that is not
// ours. The Rust tests check what a schema cannot say (https links, sources, guidance).

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { describe, expect, it } from 'vitest';

const DIR = join(__dirname, '..', '..', 'src-tauri', 'crates', 'core', 'providers');
const read = (name: string): unknown => JSON.parse(readFileSync(join(DIR, name), 'utf8'));
const files = readdirSync(DIR).filter((f) => f.endsWith('.json') && f !== 'schema.json');

describe('the provider catalog', () => {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  const validate = ajv.compile(read('schema.json') as object);

  it('has a file for every provider the product promises', () => {
    const ids = files.map((f) => f.replace(/\.json$/, ''));
    for (const id of ['github', 'gitlab', 'meta', 'auth0', 'entra', 'google', 'npm', 'slack', 'spotify', 'stripe', 'openai', 'aws']) {
      expect(ids).toContain(id);
    }
  });

  it.each(files)('%s validates against schema.json', (file) => {
    const ok = validate(read(file));
    expect(validate.errors ?? [], `${file}: ${ajv.errorsText(validate.errors)}`).toEqual([]);
    expect(ok).toBe(true);
  });

  it('rejects a file the schema does not allow (the check can fail)', () => {
    const github = read('github.json') as Record<string, unknown>;
    expect(validate({ ...github, surprise: true })).toBe(false);
    expect(validate({ ...github, guides: [] })).toBe(false);
  });
});
