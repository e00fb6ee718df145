import type { AdminService } from '../../admin/admin-service.ts';
import type { BrokerAddress } from '../../admin/cluster-gateway.ts';
import { crn, list, related, resource, type ResourceLinks } from './envelope.ts';
import { HttpError } from './http-error.ts';
import { brokerId } from './names.ts';
import { route, type AdminRoute } from './route.ts';

function brokerResource(links: ResourceLinks, broker: BrokerAddress): Record<string, unknown> {
  const self = `${links.clusterUrl}/brokers/${broker.id}`;
  return resource('KafkaBroker', self, crn(links, `broker=${broker.id}`), {
    cluster_id: links.clusterId,
    broker_id: broker.id,
    host: broker.host,
    port: broker.port,
    rack: broker.rack,
    configs: related(`${self}/configs`),
    partition_replicas: related(`${self}/partition-replicas`),
  });
}

export function clusterResource(links: ResourceLinks, controllerId: number): Record<string, unknown> {
  const self = links.clusterUrl;
  return resource('KafkaCluster', self, crn(links), {
    cluster_id: links.clusterId,
    controller: related(`${self}/brokers/${controllerId}`),
    acls: related(`${self}/acls`),
    brokers: related(`${self}/brokers`),
    broker_configs: related(`${self}/broker-configs`),
    consumer_groups: related(`${self}/consumer-groups`),
    topics: related(`${self}/topics`),
    partition_reassignments: related(`${self}/topics/-/partitions/-/reassignment`),
  });
}

export function clusterRoutes(service: AdminService): AdminRoute[] {
  return [
    route({
      method: 'get',
      root: 'v3',
      scoped: false,
      path: '/clusters',
      operation: 'clusters.list',
      answers: { kind: 'KafkaClusterList', item: 'KafkaCluster' },
      resource: 'cluster',
      action: 'view',
      summary: 'The cluster this exporter serves, as a list of one.',
      async handle({ links }) {
        const { clusterId, controllerId } = await service.brokers();
        const cluster = { clusterUrl: `${links.clusterUrl}/clusters/${encodeURIComponent(clusterId)}`, clusterId };
        return { status: 200, body: list('KafkaClusterList', `${links.clusterUrl}/clusters`, [clusterResource(cluster, controllerId)]) };
      },
    }),
    route({
      method: 'get',
      root: 'v3',
      path: '',
      operation: 'clusters.get',
      answers: { kind: 'KafkaCluster' },
      resource: 'cluster',
      action: 'view',
      summary: 'The cluster: id, controller and its resources.',
      async handle({ links }) {
        const { controllerId } = await service.brokers();
        return { status: 200, body: clusterResource(links, controllerId) };
      },
    }),
    route({
      method: 'get',
      root: 'v3',
      path: '/brokers',
      operation: 'brokers.list',
      answers: { kind: 'KafkaBrokerList', item: 'KafkaBroker' },
      resource: 'cluster',
      action: 'view',
      summary: 'The brokers.',
      async handle({ links }) {
        const { brokers } = await service.brokers();
        return {
          status: 200,
          body: list(
            'KafkaBrokerList',
            `${links.clusterUrl}/brokers`,
            brokers.map((broker) => brokerResource(links, broker)),
          ),
        };
      },
    }),
    route({
      method: 'get',
      root: 'v3',
      path: '/brokers/:broker_id',
      operation: 'brokers.get',
      answers: { kind: 'KafkaBroker' },
      resource: 'cluster',
      action: 'view',
      summary: 'One broker.',
      async handle({ params, links }) {
        const id = brokerId(params['broker_id']);
        const broker = (await service.brokers()).brokers.find((entry) => entry.id === id);
        if (!broker) throw new HttpError(404, `broker ${id} is not in the cluster`);
        return { status: 200, body: brokerResource(links, broker) };
      },
    }),
  ];
}
