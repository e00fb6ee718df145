import { compressionCodecNames, type RecordSetSummary } from '../../protocol/index.ts';
import type { ExchangeFacts } from './exchange-facts.ts';

/** What the record sets of one message tell besides their counts: codecs, transaction markers, legacy wrappers left uncounted, damage. */
export class RecordSetDetails {
  #codecs = 0;
  #controlRecords = 0;
  #uncountedWrappers = 0;
  #problem: string | undefined;

  add(summary: RecordSetSummary): void {
    this.#codecs |= summary.compressionCodecs;
    this.#controlRecords += summary.controlRecords;
    this.#uncountedWrappers += summary.uncountedWrappers;
    if (summary.error) this.#problem ??= `records: ${summary.error.message}`;
  }

  applyTo(facts: ExchangeFacts): void {
    if (this.#problem !== undefined) facts.problem ??= this.#problem;
    if (this.#codecs !== 0) facts.details.compression = compressionCodecNames(this.#codecs);
    if (this.#controlRecords > 0) facts.details.controlRecords = this.#controlRecords;
    if (this.#uncountedWrappers > 0) facts.details.uncountedWrappers = this.#uncountedWrappers;
  }
}
