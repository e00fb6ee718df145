import { clusterCollectorScenario } from './scenarios/cluster-collector.ts';

clusterCollectorScenario('zk');
