import { createHash } from 'node:crypto';
import bcrypt from 'bcryptjs';

/** Compared against when the user is unknown, so an unknown name costs what a known one does. */
const STAND_IN_HASH = bcrypt.hashSync('kafka-sonar: no such user', 10);
const VERIFIED_CACHE_MS = 60_000;
const VERIFIED_CACHE_LIMIT = 1000;

const BCRYPT_HASH = /^\$2[aby]\$(0[4-9]|[12]\d|3[01])\$[./A-Za-z0-9]{53}$/;

/** A bcrypt hash as htpasswd -nbB writes it ($2y$, $2b$ or $2a$, cost 4 to 31). */
export function isBcryptHash(text: string): boolean {
  return BCRYPT_HASH.test(text);
}

/** Someone who may log in: a bcrypt hash of their password. */
export interface Credentialed {
  readonly passwordHash: string;
}

/**
 * Checks HTTP basic credentials against the current users (looked up by name at each call, so a
 * reloaded users file applies at once). bcrypt is slow by design; a verified
 * (user, password, hash) is remembered for a minute, keyed by a digest, so a script making many
 * calls pays once. A changed hash in the users file misses the cache.
 */
export class Authenticator<User extends Credentialed> {
  readonly #lookup: (name: string) => User | undefined;
  readonly #verified = new Map<string, number>();

  constructor(lookup: (name: string) => User | undefined) {
    this.#lookup = lookup;
  }

  async authenticate(name: string, password: string): Promise<User | undefined> {
    const user = this.#lookup(name);
    const hash = user?.passwordHash ?? STAND_IN_HASH;
    const key = createHash('sha256').update(`${name}\0${password}\0${hash}`).digest('base64');
    const now = Date.now();
    if ((this.#verified.get(key) ?? 0) > now && user) return user;
    const matches = await bcrypt.compare(password, hash);
    if (!matches || !user) return undefined;
    if (this.#verified.size >= VERIFIED_CACHE_LIMIT) this.#verified.clear();
    this.#verified.set(key, now + VERIFIED_CACHE_MS);
    return user;
  }
}

/** Basic credentials out of an Authorization header; undefined when absent or malformed. */
export function basicCredentials(header: string | undefined): { name: string; password: string } | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { name: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
