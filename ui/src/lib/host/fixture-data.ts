// The fixtures a Rust test writes from the real core and vault (fixtures/*.json; never edit them by
// hand: that test fails when they drift). The fake host serves them, so the browser build and the
// UI tests see exactly what the app would answer, and no domain rule has to be re-written here.

import type { ErrorInfo } from '../bindings/ErrorInfo';
import type { ImportOutcome } from '../bindings/ImportOutcome';
import type { Inspection } from '../bindings/Inspection';
import type { Profile } from '../bindings/Profile';
import type { ProviderInfo } from '../bindings/ProviderInfo';
import type { ScanReport } from '../bindings/ScanReport';
import type { TokenDetail } from '../bindings/TokenDetail';
import catalogJson from './fixtures/catalog.json';
import countdownsJson from './fixtures/countdowns.json';
import demoJson from './fixtures/demo.json';
import inspectionsJson from './fixtures/inspections.json';
import leadsJson from './fixtures/leads.json';
import profilesJson from './fixtures/profiles.json';
import rulesJson from './fixtures/rules.json';
import scanJson from './fixtures/scan.json';

/** What `inspect_token` answers for one input: the inspection (and the masked preview the vault
 *  would show once it is stored), or the error. */
export type InspectAnswer = { ok: Inspection; masked: string } | { error: ErrorInfo };

export interface DemoFixture {
  /** Unix seconds: the instant the vault listed and detailed these tokens. */
  now: number;
  tokens: Array<{ secret: string; detail: TokenDetail }>;
}

export interface InspectionsFixture {
  /** Unix seconds: the instant `inspect_token` answered. */
  now: number;
  /** By the exact input pasted. */
  samples: Record<string, InspectAnswer>;
}

/** What `parse_leads` answers for one text: the lead times (null: the app's) and how
 *  `format_leads` writes them back, or the error. */
export type LeadsAnswer = { ok: number[] | null; text: string | null } | { error: ErrorInfo };

export interface LeadsFixture {
  /** The app's lead times until the user changes them (Settings). */
  default: number[];
  /** `format_leads(default)`. */
  default_text: string;
  /** By the exact text typed. */
  parsed: Record<string, LeadsAnswer>;
}

export interface CountdownsFixture {
  /** `countdown` for a token that never expires. */
  never: string;
  /** Unix seconds: the countdown's words at `now`, and the instant they next change. */
  cases: Array<{ expires_at: number; now: number; text: string; changes_at: number | null }>;
}

// JSON imports are typed by their literal shape (every string widened to `string`); the shapes
// are the generated bindings', which the Rust test that writes the files guarantees.
/** `list_providers`. */
export const CATALOG = catalogJson as unknown as ProviderInfo[];
/** A demo vault, one token of every status, as `token_detail` answers for each. */
export const DEMO = demoJson as unknown as DemoFixture;
/** `inspect_token` for every demo secret and a set of paste samples. */
export const INSPECTIONS = inspectionsJson as unknown as InspectionsFixture;
/** `parse_leads` / `format_leads` for a set of texts, and the app's default lead times. */
export const LEADS = leadsJson as unknown as LeadsFixture;
/** Core's countdown words across every boundary (the UI's are tested against them). */
export const COUNTDOWNS = countdownsJson as CountdownsFixture;
/** `list_profiles` for the demo vault: the OAuth provider profiles its sign-ins came from. */
export const PROFILES = profilesJson as unknown as Profile[];
/** Rules the fake applies itself, with the core's numbers and words. */
export const rules: { backup_passphrase_min_chars: number; short_backup_passphrase: string } = rulesJson;

export interface ScanFixture {
  /** `scan_for_tokens` over a fake home, against the demo vault. */
  scan: ScanReport;
  /** The secrets of each readable file, in the order of its tokens. */
  secrets: Record<string, string[]>;
  /** `import_found` of every readable file with a rewrite, right after that scan. */
  imported: ImportOutcome;
}
/** "Find tokens on this machine" on a fake home: what the shell scanned and imported. */
export const SCAN = scanJson as unknown as ScanFixture;
