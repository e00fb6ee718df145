import type { Sample } from '../metrics/definition.ts';
import { adminMetrics } from '../metrics/catalogue/admin.ts';
import type { SeriesSource } from '../metrics/series-store.ts';
import type { ReloadStatus } from './user-store.ts';

/** What the admin API counts, rendered live at scrape time. */
export class AdminMetrics implements SeriesSource {
  readonly #requests = new Map<string, { operation: string; outcome: string; count: number }>();
  #reload: ReloadStatus | undefined;

  countRequest(operation: string, outcome: string): void {
    const key = `${operation}\0${outcome}`;
    const entry = this.#requests.get(key);
    if (entry) entry.count++;
    else this.#requests.set(key, { operation, outcome, count: 1 });
  }

  usersReloaded(status: ReloadStatus): void {
    this.#reload = status;
  }

  series(metricName: string): Sample[] | undefined {
    switch (metricName) {
      case adminMetrics.requests.name:
        return [...this.#requests.values()].map(({ operation, outcome, count }) => ({ labels: { operation, outcome }, value: count }));
      case adminMetrics.usersReloadSuccess.name:
        return this.#reload && [{ labels: {}, value: this.#reload.ok ? 1 : 0 }];
      case adminMetrics.usersLastReloadSuccess.name:
        return this.#reload && [{ labels: {}, value: this.#reload.lastSuccessSeconds }];
      default:
        return undefined;
    }
  }
}
