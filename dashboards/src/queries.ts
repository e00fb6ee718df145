import type { Panel } from './panels.ts';

export interface PanelQuery {
  readonly dashboard: string;
  readonly panel: string;
  readonly expr: string;
}

export function panelQueries(dashboardFile: string, model: Record<string, unknown>): PanelQuery[] {
  const panels = (model.panels ?? []) as Panel[];
  return panels.flatMap((panel) =>
    (panel.targets ?? []).map((target) => ({ dashboard: dashboardFile, panel: panel.title, expr: target.expr })),
  );
}

/** The query Grafana sends with every variable set to "All" and a 1m rate interval. */
export function concreteQuery(expr: string): string {
  return expr.replaceAll('$__rate_interval', '1m').replace(/\$[a-z_]+/g, '.*');
}
