import { readFileSync } from 'node:fs';
import type { Logger } from '../log/logger.ts';
import { parseUsersFile, UsersFileError, type UserDirectory } from './users-file.ts';

export interface ReloadStatus {
  readonly ok: boolean;
  /** Unix time in seconds of the last load that succeeded. */
  readonly lastSuccessSeconds: number;
}

function readUsers(path: string): UserDirectory {
  let content: string;
  try {
    content = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsersFileError(`cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  return parseUsersFile(content);
}

/**
 * The users file, reloaded when its content changes (polled) and on SIGHUP. A file that breaks or
 * disappears keeps the last good set and logs one line per distinct problem.
 */
export class UserStore {
  readonly #path: string;
  readonly #logger: Logger;
  readonly #onReload: (status: ReloadStatus) => void;
  #current: UserDirectory;
  #status: ReloadStatus;
  #lastProblem = '';
  #timer: NodeJS.Timeout | undefined;
  readonly #onSignal = (): void => {
    this.reload();
  };

  /** Throws a UsersFileError when the file cannot be loaded at start: there is no good set to keep. */
  constructor(path: string, logger: Logger, onReload: (status: ReloadStatus) => void = () => undefined) {
    this.#path = path;
    this.#logger = logger;
    this.#onReload = onReload;
    this.#current = readUsers(path);
    this.#status = { ok: true, lastSuccessSeconds: Date.now() / 1000 };
    onReload(this.#status);
  }

  get directory(): UserDirectory {
    return this.#current;
  }

  get status(): ReloadStatus {
    return this.#status;
  }

  start(intervalSeconds: number): void {
    this.#timer = setInterval(() => this.reload(), intervalSeconds * 1000);
    this.#timer.unref();
    process.on('SIGHUP', this.#onSignal);
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    process.off('SIGHUP', this.#onSignal);
  }

  /** Loads the file again if its content changed; true when the set in use is the file's. */
  reload(): boolean {
    try {
      const next = readUsers(this.#path);
      if (next.contentHash !== this.#current.contentHash) {
        this.#current = next;
        this.#logger.info('admin users reloaded', { file: this.#path, users: next.users.size });
      }
      this.#status = { ok: true, lastSuccessSeconds: Date.now() / 1000 };
      this.#lastProblem = '';
    } catch (error) {
      const problem = (error as Error).message;
      if (problem !== this.#lastProblem) {
        this.#logger.error('admin users file not reloaded: keeping the last good set', {
          file: this.#path,
          problem,
          setting: 'admin.users-file',
        });
      }
      this.#lastProblem = problem;
      this.#status = { ok: false, lastSuccessSeconds: this.#status.lastSuccessSeconds };
    }
    this.#onReload(this.#status);
    return this.#status.ok;
  }
}
