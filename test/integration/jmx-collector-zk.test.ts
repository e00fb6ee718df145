import { jmxCollectorScenario } from './scenarios/jmx-collector.ts';

jmxCollectorScenario('zk');
