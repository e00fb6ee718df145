const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

export function renderIndexPage(version: string, links: readonly { path: string; description: string }[]): string {
  const escape = (text: string): string => text.replace(/[&<>"]/g, (character) => ESCAPES[character]!);
  const items = links
    .map(({ path, description }) => `<li><a href="${escape(path)}">${escape(path)}</a> ${escape(description)}</li>`)
    .join('\n');
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>kafka-sonar</title></head>
<body><h1>kafka-sonar ${escape(version)}</h1>
<p>Prometheus and OpenTelemetry exporter for Apache Kafka.</p>
<ul>
${items}
</ul></body></html>
`;
}
