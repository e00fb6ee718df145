import { spawnSync } from 'node:child_process';

/**
 * Runs `promtool check metrics` on the families whose names start with one of the prefixes (HELP, TYPE
 * and samples), so a collector's test judges its own metrics only.
 */
export function promtoolProblems(exposition: string, prefixes: readonly string[]): string | undefined {
  const family = (line: string): string => (line.startsWith('# ') ? (line.split(' ')[2] ?? '') : line.split(/[{\s]/)[0]!);
  const text =
    exposition
      .split('\n')
      .filter((line) => line !== '' && prefixes.some((prefix) => family(line).startsWith(prefix)))
      .join('\n') + '\n';
  const result = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  if (result.error) return `promtool must be installed (Debian package prometheus): ${result.error.message}`;
  return result.status === 0 ? undefined : `${result.stdout}${result.stderr}`;
}
