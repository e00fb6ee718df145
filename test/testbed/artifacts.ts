import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ComponentStartError } from './errors.ts';
import { progress } from './log.ts';
import { runCommand } from './processes.ts';

/**
 * Programs of the test bed come from Maven Central: a throwaway pom lists what a bundle needs and
 * Maven copies the resolved jars into ~/.cache/kafka-sonar/<bundle>/libs. A marker file says the
 * bundle is complete, so later runs need neither Maven nor the network.
 */
export interface MavenArtifact {
  groupId: string;
  artifactId: string;
  version: string;
  type?: string;
  classifier?: string;
  exclusions?: Array<{ groupId: string; artifactId: string }>;
}

export interface ArtifactBundle {
  /** Directory name in the cache, e.g. kafka-4.4.0. */
  name: string;
  artifacts: MavenArtifact[];
  /**
   * The artifacts are self-contained archives: fetched one by one without their POMs (Apicurio's
   * parent POM is not on Maven Central) and every .tar.gz extracted into <bundle>/dist.
   */
  standaloneArchives?: boolean;
}

const COMPLETE_MARKER = '.complete';
const DEPENDENCY_PLUGIN = 'org.apache.maven.plugins:maven-dependency-plugin:3.8.1';
// 2.8's copy goal fetches the file alone; 3.x also reads the artifact's POM, and the parent POM of
// apicurio-registry-app 3.0.9 (io.apicurio:apicurio-registry:3.0.9) is missing from Maven Central.
const ARCHIVE_COPY_PLUGIN = 'org.apache.maven.plugins:maven-dependency-plugin:2.8';

export function artifactCacheRoot(): string {
  return process.env.KAFKA_SONAR_CACHE_DIR ?? join(homedir(), '.cache', 'kafka-sonar');
}

export function bundleDir(bundle: ArtifactBundle): string {
  return join(artifactCacheRoot(), bundle.name);
}

export function bundleLibs(bundle: ArtifactBundle): string {
  return join(bundleDir(bundle), 'libs');
}

export function isBundleCached(bundle: ArtifactBundle): boolean {
  return existsSync(join(bundleDir(bundle), COMPLETE_MARKER));
}

export function renderPom(bundle: ArtifactBundle): string {
  const dependencies = bundle.artifacts.map(renderDependency).join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>kafka-sonar.testbed</groupId>
  <artifactId>${bundle.name}</artifactId>
  <version>0</version>
  <packaging>pom</packaging>
  <dependencies>
${dependencies}
  </dependencies>
</project>
`;
}

function renderDependency(artifact: MavenArtifact): string {
  const optional = [
    artifact.type === undefined ? '' : `\n      <type>${artifact.type}</type>`,
    artifact.classifier === undefined ? '' : `\n      <classifier>${artifact.classifier}</classifier>`,
  ].join('');
  const exclusions = (artifact.exclusions ?? [])
    .map((e) => `\n        <exclusion><groupId>${e.groupId}</groupId><artifactId>${e.artifactId}</artifactId></exclusion>`)
    .join('');
  return `    <dependency>
      <groupId>${artifact.groupId}</groupId>
      <artifactId>${artifact.artifactId}</artifactId>
      <version>${artifact.version}</version>${optional}${exclusions === '' ? '' : `\n      <exclusions>${exclusions}\n      </exclusions>`}
    </dependency>`;
}

// Maven's local repository is not safe for concurrent writers: one resolution at a time.
let resolutionQueue: Promise<unknown> = Promise.resolve();

/** Returns the bundle directory, resolving it with Maven first unless the cache already has it. */
export function ensureBundle(bundle: ArtifactBundle): Promise<string> {
  if (isBundleCached(bundle)) return Promise.resolve(bundleDir(bundle));
  const next = resolutionQueue.then(() => resolveBundle(bundle));
  resolutionQueue = next.catch(() => {});
  return next;
}

async function resolveBundle(bundle: ArtifactBundle): Promise<string> {
  const dir = bundleDir(bundle);
  if (isBundleCached(bundle)) return dir;
  const startedAt = Date.now();
  progress(`resolving ${bundle.name} from Maven Central`);
  const work = `${dir}.partial-${process.pid}`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  writeFileSync(join(work, 'pom.xml'), renderPom(bundle));
  const goals = bundle.standaloneArchives
    ? bundle.artifacts.map((artifact) => [`${ARCHIVE_COPY_PLUGIN}:copy`, `-Dartifact=${coordinates(artifact)}`])
    : [[`${DEPENDENCY_PLUGIN}:copy-dependencies`, '-DincludeScope=runtime']];
  for (const goal of goals) {
    const result = await runCommand('mvn', ['-B', '-q', '-f', 'pom.xml', ...goal, '-DoutputDirectory=libs'], { cwd: work });
    writeFileSync(join(work, 'mvn.log'), result.stdout + result.stderr, { flag: 'a' });
    if (result.code !== 0) {
      throw new ComponentStartError(`Maven resolution of ${bundle.name}`, `mvn exited with ${result.code}`, [join(work, 'mvn.log')]);
    }
  }
  if (bundle.standaloneArchives) await unpackArchives(join(work, 'libs'), join(work, 'dist'));
  writeFileSync(join(work, COMPLETE_MARKER), `${new Date().toISOString()}\n`);
  rmSync(dir, { recursive: true, force: true });
  renameSync(work, dir);
  progress(`resolved ${bundle.name} in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
  return dir;
}

function coordinates(artifact: MavenArtifact): string {
  const { groupId, artifactId, version, type = 'jar', classifier } = artifact;
  return [groupId, artifactId, version, type, ...(classifier === undefined ? [] : [classifier])].join(':');
}

async function unpackArchives(from: string, to: string): Promise<void> {
  mkdirSync(to, { recursive: true });
  for (const file of readdirSync(from).filter((name) => name.endsWith('.tar.gz'))) {
    const result = await runCommand('tar', ['-xzf', join(from, file), '-C', to]);
    if (result.code !== 0) throw new Error(`could not extract ${file}: ${result.stderr}`);
    rmSync(join(from, file));
  }
}
