import { clusterCollectorScenario } from './scenarios/cluster-collector.ts';

clusterCollectorScenario('kraft');
