/** Kafka's "no topic id" (the zero UUID) in its textual form. */
export const ZERO_TOPIC_ID = 'AAAAAAAAAAAAAAAAAAAAAA';

/** What the live agent and the cluster collector use to tell the sniffer topic names they know. */
export interface TopicFeeder {
  /** topicId in Kafka's textual form, or as a hyphenated hexadecimal UUID (as admin clients give it). */
  learnTopic(topicId: string, name: string): void;
}

const HYPHENATED_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Kafka's textual topic id (URL-safe base64 of the 16 bytes) from either form. */
export function kafkaTopicId(topicId: string): string {
  return HYPHENATED_UUID.test(topicId) ? Buffer.from(topicId.replace(/-/g, ''), 'hex').toString('base64url') : topicId;
}

export type TopicResolvedListener = (topicId: string, name: string) => void;

/**
 * Topic id -> name, learned from Metadata responses in the traffic and from outside (TopicFeeder).
 * Bounded: when full, the entry learned or used longest ago is forgotten (and counted).
 */
export class TopicResolver implements TopicFeeder {
  readonly #maxTopics: number;
  readonly #names = new Map<string, string>();
  readonly #listeners: TopicResolvedListener[] = [];
  #forgotten = 0;

  constructor(maxTopics = 200_000) {
    this.#maxTopics = maxTopics;
  }

  get size(): number {
    return this.#names.size;
  }

  /** Entries dropped because the table was full. */
  get forgotten(): number {
    return this.#forgotten;
  }

  onResolved(listener: TopicResolvedListener): void {
    this.#listeners.push(listener);
  }

  name(topicId: string): string | undefined {
    return this.#names.get(topicId);
  }

  learnTopic(anyTopicId: string, name: string): void {
    const topicId = kafkaTopicId(anyTopicId);
    if (topicId === ZERO_TOPIC_ID || name === '') return;
    const known = this.#names.get(topicId);
    if (known === name) {
      this.#names.delete(topicId);
      this.#names.set(topicId, name);
      return;
    }
    if (known === undefined && this.#names.size >= this.#maxTopics) {
      const oldest = this.#names.keys().next().value;
      if (oldest !== undefined) this.#names.delete(oldest);
      this.#forgotten++;
    }
    this.#names.delete(topicId);
    this.#names.set(topicId, name);
    for (const listener of this.#listeners) listener(topicId, name);
  }
}
