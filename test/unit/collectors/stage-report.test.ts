import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StageLog } from '../../../src/collectors/stage-log.ts';
import { addStageSeries, StageReport } from '../../../src/collectors/stage-report.ts';
import { createLogger } from '../../../src/log/logger.ts';
import { Snapshot } from '../../../src/metrics/series-store.ts';

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

test("run records each stage's duration, and a throw as the stage's error without failing the cycle", async () => {
  const stages = new StageReport((error) => `described: ${(error as Error).message}`);
  assert.equal(
    await stages.run('offsets', async () => {
      await pause(5);
      return 42;
    }),
    42,
  );
  assert.equal(
    await stages.run('groups', async () => {
      throw new Error('broker 2 down');
    }),
    undefined,
  );
  assert.deepEqual([...stages.durations.keys()], ['offsets', 'groups']);
  assert.ok(stages.durations.get('offsets')! >= 0.004);
  assert.deepEqual([...stages.errors], [['groups', 'described: broker 2 down']]);
});

test('require times a stage the cycle needs, and lets its failure through unrecorded', async () => {
  const stages = new StageReport();
  assert.equal(await stages.require('metadata', async () => 'ok'), 'ok');
  await assert.rejects(
    stages.require('four_letter_words', async () => {
      throw new Error('no member');
    }),
    /no member/,
  );
  assert.deepEqual([...stages.durations.keys()], ['metadata']);
  assert.equal(stages.errors.size, 0);
});

test('fail marks a stage down while keeping what it returned; record adds an untimed stage', async () => {
  const stages = new StageReport();
  const read = await stages.run('znodes', async () => {
    stages.fail('znodes', 'unreadable znodes: /brokers/ids/3');
    return ['kept'];
  });
  assert.deepEqual(read, ['kept']);
  stages.record('subjects');
  stages.record('versions', '2 subject(s) unreadable');
  assert.deepEqual([...stages.errors.keys()], ['znodes', 'versions']);
  assert.equal(stages.durations.get('subjects'), undefined);
  assert.ok(stages.durations.has('subjects'));
});

test('addStageSeries: stage_up for every stage in the order they ended, stage_duration_seconds for the timed ones', () => {
  const snapshot = new Snapshot();
  addStageSeries(snapshot, 'cluster', {
    errors: new Map([
      ['log_dirs', 'timeout'],
      ['subjects', 'unreadable'],
    ]),
    durations: new Map<string, number | undefined>([
      ['metadata', 0.1],
      ['log_dirs', 2],
      ['subjects', undefined],
    ]),
  });
  assert.deepEqual(
    snapshot.series('kafka_sonar_collector_stage_up')?.map((sample) => [sample.labels, sample.value]),
    [
      [{ collector: 'cluster', stage: 'metadata' }, 1],
      [{ collector: 'cluster', stage: 'log_dirs' }, 0],
      [{ collector: 'cluster', stage: 'subjects' }, 0],
    ],
  );
  assert.deepEqual(
    snapshot.series('kafka_sonar_collector_stage_duration_seconds')?.map((sample) => [sample.labels, sample.value]),
    [
      [{ collector: 'cluster', stage: 'metadata' }, 0.1],
      [{ collector: 'cluster', stage: 'log_dirs' }, 2],
    ],
  );
});

test('StageLog: one line when a stage starts failing or fails differently, one when it recovers, none while nothing changes', () => {
  const lines: { msg: string; stage: string; error?: string }[] = [];
  const log = new StageLog(createLogger({ level: 'info', format: 'json', write: (line) => lines.push(JSON.parse(line)) }), 'cluster');
  log.report(new Map([['groups', 'timeout']]));
  log.report(new Map([['groups', 'timeout']]));
  log.report(new Map([['groups', 'broker 2 down']]));
  log.report(new Map());
  log.report(new Map());
  assert.deepEqual(
    lines.map(({ msg, stage, error }) => [msg, stage, error]),
    [
      ['collection stage failed', 'groups', 'timeout'],
      ['collection stage failed', 'groups', 'broker 2 down'],
      ['collection stage recovered', 'groups', undefined],
    ],
  );
});
