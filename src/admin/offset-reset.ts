import { AdminError } from './admin-error.ts';

/** Where to move a group's offsets, as kafka-consumer-groups.sh --reset-offsets names the choices. */
export type ResetStrategy =
  | { readonly type: 'earliest' | 'latest' | 'current' }
  | {
      readonly type: 'offset';
      readonly value?: number;
      readonly offsets?: readonly { readonly topic: string; readonly partition: number; readonly offset: number }[];
    }
  | { readonly type: 'shift_by'; readonly value: number }
  /** Epoch milliseconds. */
  | { readonly type: 'timestamp'; readonly value: number }
  /** ISO 8601 time. */
  | { readonly type: 'datetime'; readonly value: string }
  /** ISO 8601 duration back from now (PT1H). */
  | { readonly type: 'duration'; readonly value: string };

export interface PartitionRef {
  readonly topic: string;
  readonly partition: number;
}

/** What a reset does to one partition; the dry run and the real call answer the same. */
export interface PlannedOffset extends PartitionRef {
  /** Committed before; null when the group had not committed for the partition. */
  readonly current: number | null;
  readonly new: number;
  readonly earliest: number;
  readonly latest: number;
  /** The strategy's offset lay outside [earliest, latest] and was moved to the nearest end. */
  readonly clamped: boolean;
  readonly lagBefore: number | null;
  readonly lagAfter: number;
}

export interface ResetInputs {
  readonly partitions: readonly PartitionRef[];
  readonly current: ReadonlyMap<string, number>;
  readonly earliest: ReadonlyMap<string, number>;
  readonly latest: ReadonlyMap<string, number>;
  /** For the time strategies: the first offset at or after the time, -1 when there is none. */
  readonly atTime?: ReadonlyMap<string, number>;
  readonly strategy: ResetStrategy;
  readonly clamp: boolean;
}

export const partitionKey = (ref: PartitionRef): string => `${ref.topic}:${ref.partition}`;

const DURATION = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/** An ISO 8601 duration of weeks, days, hours, minutes and seconds, in milliseconds. */
export function parseIsoDuration(text: string): number {
  const match = DURATION.exec(text);
  if (!match || text === 'P' || text.endsWith('T')) {
    throw new AdminError(
      'invalid',
      `strategy.value: ${JSON.stringify(text)} is not an ISO 8601 duration of weeks, days, hours, minutes and seconds (such as PT1H or P1DT12H)`,
    );
  }
  const [weeks, days, hours, minutes, seconds] = match.slice(1).map((part) => Number(part ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
  ];
  return ((((weeks * 7 + days) * 24 + hours) * 60 + minutes) * 60 + seconds) * 1000;
}

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;

/** Epoch milliseconds of an ISO 8601 date and time with its zone; a date that does not exist (2026-02-30, 24:00) is refused. */
export function parseIsoDateTime(text: string): number {
  const match = DATE_TIME.exec(text);
  const [year, month, day, hour, minute, second] = (match?.slice(1, 7) ?? []).map((part) => Number(part ?? 0));
  const exists =
    match !== null &&
    hour! <= 23 &&
    minute! <= 59 &&
    second! <= 59 &&
    new Date(Date.UTC(year!, month! - 1, day!)).getUTCDate() === day &&
    month! >= 1 &&
    month! <= 12;
  if (!exists) {
    throw new AdminError(
      'invalid',
      `strategy.value: ${JSON.stringify(text)} is not an ISO 8601 date and time with its zone (such as 2026-12-01T08:00:00Z or 2026-12-01T09:00:00+01:00)`,
    );
  }
  return Date.parse(text);
}

/** The epoch milliseconds a time strategy points at; undefined for the others. */
export function strategyTime(strategy: ResetStrategy, now: number): number | undefined {
  switch (strategy.type) {
    case 'timestamp':
      return strategy.value;
    case 'datetime':
      return parseIsoDateTime(strategy.value);
    case 'duration':
      return now - parseIsoDuration(strategy.value);
    default:
      return undefined;
  }
}

function targetOf(inputs: ResetInputs, ref: PartitionRef, key: string, current: number | null, latest: number): number {
  const { strategy } = inputs;
  switch (strategy.type) {
    case 'earliest':
      return inputs.earliest.get(key)!;
    case 'latest':
      return latest;
    case 'current':
      if (current === null)
        throw new AdminError('invalid', `strategy current: group has no committed offset for ${ref.topic}-${ref.partition}`);
      return current;
    case 'offset': {
      const given =
        strategy.offsets?.find((entry) => entry.topic === ref.topic && entry.partition === ref.partition)?.offset ?? strategy.value;
      if (given === undefined)
        throw new AdminError(
          'invalid',
          `strategy offset: no offset given for ${ref.topic}-${ref.partition} (give value, or offsets for every partition in scope)`,
        );
      return given;
    }
    case 'shift_by':
      if (current === null)
        throw new AdminError('invalid', `strategy shift_by: group has no committed offset for ${ref.topic}-${ref.partition} to shift`);
      return current + strategy.value;
    case 'timestamp':
    case 'datetime':
    case 'duration': {
      const found = inputs.atTime?.get(key);
      return found === undefined || found < 0 ? latest : found;
    }
  }
}

/** The new offset of every partition in scope; refuses out-of-range offsets unless asked to clamp them. */
export function planReset(inputs: ResetInputs): PlannedOffset[] {
  return inputs.partitions.map((ref) => {
    const key = partitionKey(ref);
    const earliest = inputs.earliest.get(key);
    const latest = inputs.latest.get(key);
    if (earliest === undefined || latest === undefined)
      throw new AdminError('not-found', `no offsets for ${ref.topic}-${ref.partition}: no such partition`);
    const current = inputs.current.get(key) ?? null;
    const target = targetOf(inputs, ref, key, current, latest);
    const outside = target < earliest || target > latest;
    if (outside && !inputs.clamp) {
      throw new AdminError(
        'invalid',
        `offset ${target} for ${ref.topic}-${ref.partition} is outside [${earliest}, ${latest}]: set clamp to move it to the nearest end`,
      );
    }
    const chosen = Math.min(latest, Math.max(earliest, target));
    return {
      topic: ref.topic,
      partition: ref.partition,
      current,
      new: chosen,
      earliest,
      latest,
      clamped: outside,
      lagBefore: current === null ? null : Math.max(0, latest - current),
      lagAfter: latest - chosen,
    };
  });
}
