import { randomBytes } from 'node:crypto';

let counter = 0;

/** A name unique per call and per process, valid as a Kafka topic, group or Schema Registry subject. */
export function uniqueName(prefix = 'test'): string {
  counter += 1;
  return `${prefix}-${process.pid}-${counter}-${randomBytes(3).toString('hex')}`;
}

/** A KRaft cluster id: 16 random bytes, base64url without padding, not starting with '-' (as Kafka's Uuid.randomUuid). */
export function randomClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}
