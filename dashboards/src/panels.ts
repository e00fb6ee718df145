/** A small, typed builder for the parts of Grafana's dashboard JSON model kafka-sonar uses. */

export interface Target {
  readonly expr: string;
  readonly legendFormat?: string;
  readonly instant?: boolean;
  readonly format?: 'time_series' | 'table';
}

export interface GridPosition {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

export interface Panel {
  readonly id: number;
  readonly type: 'stat' | 'timeseries' | 'table' | 'row';
  readonly title: string;
  readonly description?: string;
  readonly gridPos: GridPosition;
  readonly datasource?: { type: 'prometheus'; uid: '${datasource}' };
  readonly targets?: readonly (Target & { refId: string; datasource: { type: 'prometheus'; uid: '${datasource}' } })[];
  readonly fieldConfig?: unknown;
  readonly options?: unknown;
  readonly transformations?: readonly Transformation[];
  readonly collapsed?: boolean;
  readonly panels?: readonly Panel[];
}

const DATASOURCE = { type: 'prometheus', uid: '${datasource}' } as const;

/** A Grafana transformation applied to a panel's query results (tables: organize, merge, ...). */
export interface Transformation {
  readonly id: string;
  readonly options: Record<string, unknown>;
}

/** Orders a table's columns as `order`, renames them as `rename` and hides those in `hide`. */
export function columns(
  order: readonly string[],
  rename: Readonly<Record<string, string>> = {},
  hide: readonly string[] = ['Time', '__name__', 'job'],
): Transformation[] {
  return [
    {
      id: 'organize',
      options: {
        excludeByName: Object.fromEntries(hide.map((name) => [name, true])),
        indexByName: Object.fromEntries(order.map((name, index) => [name, index])),
        renameByName: rename,
      },
    },
  ];
}

export interface PanelSpec {
  readonly type: 'stat' | 'timeseries' | 'table';
  readonly title: string;
  readonly description: string;
  readonly targets: readonly Target[];
  readonly unit?: string;
  readonly width: number;
  readonly height?: number;
  readonly thresholds?: readonly { value: number | null; color: string }[];
  /** Tables: how to shape the columns (see columns()). */
  readonly transformations?: readonly Transformation[];
  /** Tables: the column to sort the rows by, descending. */
  readonly sortBy?: string;
}

/** Lays panels out left to right in rows of 24 columns, numbering them. */
export class Layout {
  #x = 0;
  #y = 0;
  #rowHeight = 0;
  #id = 1;
  readonly panels: Panel[] = [];

  row(title: string): this {
    this.#newLine();
    this.panels.push({ id: this.#id++, type: 'row', title, collapsed: false, gridPos: { x: 0, y: this.#y, w: 24, h: 1 }, panels: [] });
    this.#y += 1;
    return this;
  }

  add(spec: PanelSpec): this {
    const height = spec.height ?? (spec.type === 'stat' ? 4 : 8);
    if (this.#x + spec.width > 24) this.#newLine();
    const thresholds = spec.thresholds ?? [{ value: null, color: 'green' }];
    this.panels.push({
      id: this.#id++,
      type: spec.type,
      title: spec.title,
      description: spec.description,
      datasource: DATASOURCE,
      gridPos: { x: this.#x, y: this.#y, w: spec.width, h: height },
      targets: spec.targets.map((target, index) => ({ ...target, refId: String.fromCharCode(65 + index), datasource: DATASOURCE })),
      fieldConfig: { defaults: { unit: spec.unit ?? 'short', thresholds: { mode: 'absolute', steps: thresholds } }, overrides: [] },
      options:
        spec.type === 'stat'
          ? {
              reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
              colorMode: 'background',
              graphMode: 'none',
              textMode: 'auto',
            }
          : spec.type === 'table'
            ? { showHeader: true, ...(spec.sortBy ? { sortBy: [{ displayName: spec.sortBy, desc: true }] } : {}) }
            : {
                legend: { displayMode: 'table', placement: 'bottom', calcs: ['lastNotNull', 'max'] },
                tooltip: { mode: 'multi', sort: 'desc' },
              },
      transformations: spec.transformations,
    });
    this.#x += spec.width;
    this.#rowHeight = Math.max(this.#rowHeight, height);
    return this;
  }

  #newLine(): void {
    this.#y += this.#rowHeight;
    this.#x = 0;
    this.#rowHeight = 0;
  }
}

export interface Variable {
  readonly name: string;
  readonly label: string;
  readonly query: string;
  readonly multi: boolean;
  readonly includeAll: boolean;
}

export function dashboard(
  uid: string,
  title: string,
  description: string,
  variables: readonly Variable[],
  panels: readonly Panel[],
): Record<string, unknown> {
  return {
    uid,
    title,
    description,
    tags: ['kafka', 'kafka-sonar'],
    timezone: 'browser',
    schemaVersion: 39,
    version: 1,
    editable: true,
    time: { from: 'now-6h', to: 'now' },
    refresh: '30s',
    templating: {
      list: [
        { name: 'datasource', label: 'Data source', type: 'datasource', query: 'prometheus', current: {}, hide: 0 },
        ...variables.map((variable) => ({
          name: variable.name,
          label: variable.label,
          type: 'query',
          datasource: DATASOURCE,
          query: { query: variable.query, refId: 'PrometheusVariableQueryEditor-VariableQuery' },
          definition: variable.query,
          refresh: 2,
          sort: 1,
          multi: variable.multi,
          includeAll: variable.includeAll,
          allValue: variable.includeAll ? '.*' : undefined,
          current: {},
          hide: 0,
        })),
      ],
    },
    annotations: { list: [] },
    panels,
  };
}
