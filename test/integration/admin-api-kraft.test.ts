import { adminApiScenario } from './scenarios/admin-api.ts';

adminApiScenario('kraft');
