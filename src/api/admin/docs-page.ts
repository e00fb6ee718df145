import { openApiPath } from './openapi.ts';
import type { AdminRoute } from './route.ts';

const escape = (text: string): string =>
  text.replace(/[&<>"]/g, (character) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[character]!);

/** Readable documentation of the admin API, from the route table (no script, nothing fetched from elsewhere). */
export function renderDocsPage(routes: readonly AdminRoute[], version: string): string {
  const rows = routes
    .map(
      (route) =>
        `<tr><td><code>${route.method.toUpperCase()}</code></td><td><code>${escape(openApiPath(route))}</code></td>` +
        `<td>${escape(route.summary)}</td><td><code>${route.resource}:${route.action}</code></td><td><code>${escape(route.operation)}</code></td></tr>`,
    )
    .join('\n');
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>kafka-sonar admin API ${escape(version)}</title>
<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}</style></head>
<body><h1>kafka-sonar admin API</h1>
<p>HTTP basic authentication with a user of <code>--admin.users-file</code>. Mutations are audited (<code>GET /sonar/v1/audit</code>).
Errors are <code>{"error_code": status, "message": "..."}</code>. The machine-readable description is <a href="/sonar/v1/openapi.json">/sonar/v1/openapi.json</a>.</p>
<table><tr><th>Method</th><th>Path</th><th>What it does</th><th>Permission</th><th>Audit operation</th></tr>
${rows}
</table></body></html>
`;
}
