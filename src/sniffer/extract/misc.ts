import type { ApiExtractor } from './context.ts';
import { int64Field, nullableStringField, numberField, stringField, stringsField, structsField } from './fields.ts';
import { learnBrokerEndpoint } from './metadata.ts';

/** ApiVersions v3+: the client software name and version (KIP-511). */
export const apiVersionsExtractor: ApiExtractor = {
  request(body, _version, facts, context) {
    const name = stringField(body, 'clientSoftwareName');
    const version = stringField(body, 'clientSoftwareVersion');
    if (name === undefined || version === undefined) return;
    facts.details.softwareName = name;
    facts.details.softwareVersion = version;
    context.connection.software = { name, version };
  },
};

/** FindCoordinator: the group or transactional ids looked up, and the coordinators named. */
export const findCoordinatorExtractor: ApiExtractor = {
  request(body, _version, facts) {
    const keys = stringsField(body, 'coordinatorKeys') ?? [stringField(body, 'key')].filter((key) => key !== undefined);
    facts.details.coordinatorKeys = keys;
    facts.details.coordinatorKeyType = numberField(body, 'keyType') ?? 0;
  },
  response(body, _version, _facts, context) {
    learnBrokerEndpoint(context.brokers, stringField(body, 'host'), numberField(body, 'port'), numberField(body, 'nodeId'));
    for (const coordinator of structsField(body, 'coordinators')) {
      learnBrokerEndpoint(
        context.brokers,
        stringField(coordinator, 'host'),
        numberField(coordinator, 'port'),
        numberField(coordinator, 'nodeId'),
      );
    }
  },
};

/** ListOffsets: the partitions asked for, who asks, and the partitions' errors. */
export const listOffsetsExtractor: ApiExtractor = {
  request(body, _version, facts) {
    facts.details.replicaId = numberField(body, 'replicaId') ?? -1;
    const isolationLevel = numberField(body, 'isolationLevel');
    if (isolationLevel !== undefined) facts.details.isolationLevel = isolationLevel;
    for (const topic of structsField(body, 'topics')) {
      const ref = { name: stringField(topic, 'name') };
      for (const partition of structsField(topic, 'partitions')) facts.topics.add(ref, numberField(partition, 'partitionIndex'));
    }
  },
  response(body, _version, facts) {
    for (const topic of structsField(body, 'topics')) {
      const ref = { name: stringField(topic, 'name') };
      for (const partition of structsField(topic, 'partitions')) {
        const errorCode = numberField(partition, 'errorCode') ?? 0;
        if (errorCode !== 0)
          facts.partitionErrors.push({ topic: ref, partition: numberField(partition, 'partitionIndex') ?? -1, errorCode });
      }
    }
  },
};

/** EndTxn: the producer whose transaction ends, and whether it is committed or aborted. */
export const endTxnExtractor: ApiExtractor = {
  request(body, _version, facts) {
    const producerId = int64Field(body, 'producerId');
    if (producerId !== undefined) facts.details.producerId = producerId;
    const producerEpoch = numberField(body, 'producerEpoch');
    if (producerEpoch !== undefined) facts.details.producerEpoch = producerEpoch;
    if (typeof body.committed === 'boolean') facts.details.transactionCommitted = body.committed;
  },
};

/** InitProducerId: the transactional id (null for idempotent producers) and the producer id granted. */
export const initProducerIdExtractor: ApiExtractor = {
  request(body, _version, facts) {
    const transactionalId = nullableStringField(body, 'transactionalId');
    if (transactionalId !== undefined) facts.details.transactionalId = transactionalId;
  },
  response(body, _version, facts) {
    const producerId = int64Field(body, 'producerId');
    if (producerId !== undefined) facts.details.producerId = producerId;
    const producerEpoch = numberField(body, 'producerEpoch');
    if (producerEpoch !== undefined) facts.details.producerEpoch = producerEpoch;
  },
};
