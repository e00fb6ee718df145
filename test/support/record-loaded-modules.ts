/**
 * Preload (`node --import`) that writes every module URL the process resolves, one per line, to the file
 * named by KAFKA_SONAR_LOADED_MODULES when it exits: for tests of what a command loads.
 */
import { writeFileSync } from 'node:fs';
import { registerHooks } from 'node:module';

const loaded = new Set<string>();
registerHooks({
  resolve(specifier, context, nextResolve) {
    const result = nextResolve(specifier, context);
    loaded.add(result.url);
    return result;
  },
});
process.on('exit', () => {
  const file = process.env['KAFKA_SONAR_LOADED_MODULES'];
  if (file) writeFileSync(file, [...loaded].join('\n'));
});
