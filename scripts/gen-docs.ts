/** Regenerates the configuration and metrics references in README.md from the option table and the catalogue. */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { regenerateReadme } from '../src/docs/reference.ts';

const path = fileURLToPath(new URL('../README.md', import.meta.url));
writeFileSync(path, regenerateReadme(readFileSync(path, 'utf8')));
