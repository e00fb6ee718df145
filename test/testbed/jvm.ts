export interface JvmLaunch {
  /** Component directory of a detached program: passed as a system property so its pid file can be verified. */
  dir?: string;
  heapMin: string;
  heapMax: string;
  systemProperties?: Record<string, string>;
  extraFlags?: string[];
  /** Either a classpath and main class, or an executable jar. */
  classpath?: string;
  mainClass?: string;
  jar?: string;
  args?: string[];
}

/** Flags for a quick start on a small machine: serial GC, C1 only, class data sharing. */
const FAST_START = ['-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-Xshare:auto', '-Djava.awt.headless=true'];

export function jvmArgs(launch: JvmLaunch): string[] {
  const marker = launch.dir === undefined ? {} : { 'kafka.sonar.testbed.dir': `${launch.dir}/` };
  const properties = Object.entries({ ...marker, ...launch.systemProperties }).map(([key, value]) => `-D${key}=${value}`);
  const target = launch.jar !== undefined ? ['-jar', launch.jar] : ['-cp', launch.classpath ?? '', launch.mainClass ?? ''];
  return [
    `-Xms${launch.heapMin}`,
    `-Xmx${launch.heapMax}`,
    ...FAST_START,
    ...(launch.extraFlags ?? []),
    ...properties,
    ...target,
    ...(launch.args ?? []),
  ];
}

export function classpathOf(libsDir: string): string {
  return `${libsDir}/*`;
}
