// Entry point of the end-to-end run (started by run.sh, which starts the drivers first).
// `node main.mjs [SUITE-REGEX]` runs only the suites whose name matches.

import { runAll } from './lib/harness.mjs';
import './specs/tokens.mjs';
import './specs/leak.mjs';
import './specs/edges.mjs';
import './specs/keyring.mjs';
import './specs/notify.mjs';
import './specs/providers.mjs';
import './specs/oauth.mjs';
import './specs/backup.mjs';
import './specs/scan.mjs';

const filter = process.argv[2] ? new RegExp(process.argv[2], 'i') : undefined;
const { passed, failed } = await runAll({ filter });
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
