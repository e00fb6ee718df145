import { HttpError } from './http-error.ts';

/** Kafka's legal topic names (Topic.LEGAL_CHARS, at most 249 characters). */
const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;
const CONFIG_NAME = /^[a-zA-Z0-9._-]{1,255}$/;

export function topicName(raw: string | undefined): string {
  if (raw === undefined || !TOPIC_NAME.test(raw) || raw === '.' || raw === '..') {
    throw new HttpError(400, `topic_name ${JSON.stringify(raw)} is not a Kafka topic name: 1 to 249 of a-z, A-Z, 0-9, '.', '_', '-'`);
  }
  return raw;
}

export function configName(raw: string | undefined): string {
  if (raw === undefined || !CONFIG_NAME.test(raw))
    throw new HttpError(400, `config name ${JSON.stringify(raw)} is not a Kafka config name: a-z, A-Z, 0-9, '.', '_', '-'`);
  return raw;
}

export function brokerId(raw: string | undefined): number {
  if (raw === undefined || !/^\d{1,9}$/.test(raw))
    throw new HttpError(400, `broker_id ${JSON.stringify(raw)} is not a broker id (a whole number)`);
  return Number(raw);
}

/** Group ids may hold any character; only empty, overlong and control-character ids are refused. */
export function groupId(raw: string | undefined): string {
  if (raw === undefined || raw === '' || raw.length > 255 || /[\u0000-\u001f\u007f]/.test(raw)) {
    throw new HttpError(400, `consumer_group_id ${JSON.stringify(raw)} is not a group id: 1 to 255 characters, no control characters`);
  }
  return raw;
}
