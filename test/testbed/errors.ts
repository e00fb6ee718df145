import { existsSync, readFileSync } from 'node:fs';

const LOG_TAIL_LINES = 30;

/** A program of the test bed did not start; the message carries the end of its logs. */
export class ComponentStartError extends Error {
  readonly component: string;
  readonly logFiles: string[];

  constructor(component: string, reason: string, logFiles: string[]) {
    super(`${component} failed to start: ${reason}\n${logFiles.map(describeLogTail).join('\n')}`);
    this.name = 'ComponentStartError';
    this.component = component;
    this.logFiles = logFiles;
  }
}

export function tailLines(file: string, count: number): string | undefined {
  if (!existsSync(file)) return undefined;
  const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
  return lines.slice(-count).join('\n');
}

function describeLogTail(file: string): string {
  const tail = tailLines(file, LOG_TAIL_LINES);
  if (tail === undefined) return `(no log at ${file})`;
  if (tail === '') return `(empty log ${file})`;
  return `--- last ${LOG_TAIL_LINES} lines of ${file} ---\n${tail}`;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Runs a start step and turns any failure into a ComponentStartError naming the component. */
export async function startingComponent<T>(component: string, logFiles: string[], work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ComponentStartError) throw error;
    throw new ComponentStartError(component, errorMessage(error), logFiles);
  }
}
