/**
 * `npm run build`: compiles src/ into dist/ (what the package runs) and makes the command executable,
 * so that it starts through its #! line and the V8 flags there, as an installed `kafka-sonar` does.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const COMMAND_FILE = join('dist', 'cli', 'main.js');

/** Exit status of the compiler; the command is made executable only when it succeeded. */
export function build(root: string): number {
  const result = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (result.error) {
    process.stderr.write(`cannot run the TypeScript compiler: ${result.error.message}\n`);
    return 1;
  }
  if (result.status !== 0) return result.status ?? 1;
  chmodSync(join(root, COMMAND_FILE), 0o755);
  return 0;
}

if (import.meta.main) process.exit(build(fileURLToPath(new URL('..', import.meta.url))));
