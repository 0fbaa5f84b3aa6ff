// What core says about a token being pasted or typed (Add, and Edit's new secret): the latest
// answer of `host.inspect` for the text as it settled, never an older one that came back late.

import type { ErrorInfo } from '../bindings/ErrorInfo';
import type { Inspection } from '../bindings/Inspection';
import { toErrorInfo, type Host } from '../host/types';

export class Inspector {
  inspection = $state<Inspection | null>(null);
  error = $state<ErrorInfo | null>(null);
  private seq = 0;
  private last: string | null = null;

  /** `onresult` runs with each inspection that is still current when it arrives. */
  constructor(
    private readonly host: Host,
    private readonly onresult: (insp: Inspection) => void = () => {},
  ) {}

  /** Ask core about `text` (nothing for blank text, nothing again for the text last asked about). */
  async inspect(text: string): Promise<void> {
    if (text === this.last) return;
    this.last = text;
    const mine = ++this.seq;
    if (text.trim() === '') {
      this.inspection = null;
      this.error = null;
      return;
    }
    try {
      const insp = await this.host.inspect(text);
      if (mine !== this.seq) return;
      this.inspection = insp;
      this.error = null;
      this.onresult(insp);
    } catch (err) {
      if (mine !== this.seq) return;
      this.inspection = null;
      this.error = toErrorInfo(err);
    }
  }
}
