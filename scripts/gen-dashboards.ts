/** Writes the Grafana dashboards under dashboards/ from their code in dashboards/src. */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DASHBOARDS, renderDashboard } from '../dashboards/src/index.ts';

for (const [file, model] of Object.entries(DASHBOARDS)) {
  writeFileSync(fileURLToPath(new URL(`../dashboards/${file}`, import.meta.url)), renderDashboard(model));
}
