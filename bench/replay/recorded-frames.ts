// The recorded Produce exchanges on disk, as the sink and blaster processes load them: the request
// frames back to back in one file, their responses in the same order in another, and a JSON index.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { splitFrames } from './frames.ts';

export interface RecordedFrames {
  /** Produce request frames (size prefix included), in the order the producer sent them. */
  readonly requests: readonly Buffer[];
  /** The broker's response to each request, same order. */
  readonly responses: readonly Buffer[];
  /** Data records in each request, as the project's decoder counts them. */
  readonly records: readonly number[];
  /** Bytes of each record's value: a request carries records × recordSize record bytes. */
  readonly recordSize: number;
}

interface Index {
  requests: string;
  responses: string;
  records: number[];
  recordSize: number;
}

/** Writes the frames into `dir`; returns the index file to give to loadRecordedFrames. */
export function saveRecordedFrames(dir: string, frames: RecordedFrames): string {
  const index: Index = {
    requests: 'requests.bin',
    responses: 'responses.bin',
    records: [...frames.records],
    recordSize: frames.recordSize,
  };
  writeFileSync(join(dir, index.requests), Buffer.concat(frames.requests));
  writeFileSync(join(dir, index.responses), Buffer.concat(frames.responses));
  const file = join(dir, 'recording.json');
  writeFileSync(file, JSON.stringify(index));
  return file;
}

export function loadRecordedFrames(indexFile: string): RecordedFrames {
  const index = JSON.parse(readFileSync(indexFile, 'utf8')) as Index;
  const dir = dirname(indexFile);
  const requests = splitFrames(readFileSync(join(dir, index.requests)));
  const responses = splitFrames(readFileSync(join(dir, index.responses)));
  if (requests.length !== responses.length || requests.length !== index.records.length) {
    throw new Error(`${indexFile}: ${requests.length} requests, ${responses.length} responses, ${index.records.length} record counts`);
  }
  return { requests, responses, records: index.records, recordSize: index.recordSize };
}
