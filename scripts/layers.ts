/**
 * The layering of src/: a file may import files of its own layer and of the layers below it, never
 * of a layer above (value imports and `import type` alike). Data flows up the capture pipeline
 * (capture -> tcp -> protocol -> sniffer -> agent); collectors, the API and the CLI sit on top.
 * test/unit/layering.test.ts fails on any violation, and on any file of src/ in no layer, so a new
 * folder has to be placed here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix, relative, resolve, sep } from 'node:path';

/** Lowest first. Each entry is a folder (or file) under src/ and covers everything beneath it. */
export const LAYERS: readonly (readonly string[])[] = [
  ['util', 'log', 'version.ts'], // import nothing of ours
  ['config'],
  ['tls'], // TLS client options and PEM files for Kafka, ZooKeeper and the schema registry
  ['http'], // JSON over HTTP(S) for the REST APIs read (schema registry, Jolokia)
  ['capture'], // link layer and IP packets from pcap, pcapng or a live interface
  ['tcp'], // reassembled streams
  ['protocol'], // Kafka frames and schemas (protocol/spec included)
  ['sniffer'], // Kafka exchanges from the streams (sniffer/extract included)
  ['nat'], // client addresses before translation (conntrack, Kubernetes pods)
  ['kafka'], // the Kafka client the collectors and admin use
  ['metrics'], // series, exposition, the catalogue
  ['docs'], // the README's reference sections
  ['schema-registry'], // the Confluent schema registry REST client the collector and admin use
  ['zookeeper'], // a ZooKeeper session the collector and admin use
  ['jmx'], // MBeans through Jolokia, named by JMX exporter rules
  ['admin'], // never imports collectors, agent, api, cli or the exporter
  ['collectors'],
  ['agent'], // the live sniffing agent
  ['api'],
  ['exporter.ts'],
  ['cli'],
];

export interface Violation {
  /** The importing file, relative to the project root: src/agent/sniff-agent.ts. */
  readonly from: string;
  /** The file it imports from a higher layer; null when `from` itself is in no layer. */
  readonly to: string | null;
}

/** The index in `layers` of a path relative to src/; the longest matching entry wins. */
function layerOf(path: string, layers: readonly (readonly string[])[]): number | undefined {
  let found: { index: number; length: number } | undefined;
  layers.forEach((entries, index) => {
    for (const entry of entries) {
      if ((path === entry || path.startsWith(`${entry}/`)) && entry.length > (found?.length ?? -1)) found = { index, length: entry.length };
    }
  });
  return found?.index;
}

/** Relative specifiers of static imports and re-exports, side-effect imports and import(). */
function relativeImports(source: string): string[] {
  return [...source.matchAll(/\b(?:from|import)\s*\(?\s*(['"])(\.{1,2}\/[^'"\n]*)\1/g)].map((match) => match[2]!);
}

const toPosix = (path: string): string => path.split(sep).join(posix.sep);

/** Every upward import in root/src, and every .ts file there in no layer, in path order. */
export function layerViolations(root: string, layers: readonly (readonly string[])[] = LAYERS): Violation[] {
  const src = join(root, 'src');
  const files = readdirSync(src, { recursive: true, encoding: 'utf8' })
    .map(toPosix)
    .filter((path) => path.endsWith('.ts'))
    .sort();
  const violations: Violation[] = [];
  for (const file of files) {
    const from = `src/${file}`;
    const layer = layerOf(file, layers);
    if (layer === undefined) {
      violations.push({ from, to: null });
      continue;
    }
    for (const specifier of relativeImports(readFileSync(join(src, file), 'utf8'))) {
      const target = toPosix(relative(src, resolve(dirname(join(src, file)), specifier)));
      if (target.startsWith('../')) continue; // package.json and the like
      const targetLayer = layerOf(target, layers);
      if (targetLayer !== undefined && targetLayer > layer) violations.push({ from, to: `src/${target}` });
    }
  }
  return violations;
}

export function describeViolation({ from, to }: Violation, layers: readonly (readonly string[])[] = LAYERS): string {
  const name = (path: string): string => layers[layerOf(path.slice('src/'.length), layers)!]!.join(', ');
  return to === null
    ? `${from} is in no layer: place its folder in LAYERS (scripts/layers.ts)`
    : `${from} [${name(from)}] imports ${to} [${name(to)}], a higher layer`;
}
