import { createHash } from 'node:crypto';
import bcrypt from 'bcryptjs';

const STAND_IN_PASSWORD = 'kafka-sonar: no such user';
const DEFAULT_COST = 10;
const VERIFIED_CACHE_MS = 60_000;
const VERIFIED_CACHE_LIMIT = 1000;

const BCRYPT_HASH = /^\$2[aby]\$(0[4-9]|[12]\d|3[01])\$[./A-Za-z0-9]{53}$/;

/** A bcrypt hash as htpasswd -nbB writes it ($2y$, $2b$ or $2a$, cost 4 to 31). */
export function isBcryptHash(text: string): boolean {
  return BCRYPT_HASH.test(text);
}

/** The cost factor written in a bcrypt hash ($2b$12$... is 12). */
export function bcryptCost(hash: string): number {
  return Number(hash.slice(4, 6));
}

/**
 * The cost most of these hashes have (the higher one on a tie, 10 when there are none): an unknown user
 * is checked against a hash of this cost, so that the time of a refusal does not tell which names exist.
 */
export function commonBcryptCost(hashes: Iterable<string>): number {
  const counts = new Map<number, number>();
  for (const hash of hashes) counts.set(bcryptCost(hash), (counts.get(bcryptCost(hash)) ?? 0) + 1);
  let common = DEFAULT_COST;
  let most = 0;
  for (const [cost, count] of counts) {
    if (count > most || (count === most && cost > common)) [common, most] = [cost, count];
  }
  return common;
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
  readonly #standInCost: () => number;
  readonly #standInHashes = new Map<number, Promise<string>>();
  readonly #verified = new Map<string, number>();

  /** standInCost: the cost of the hash an unknown user is compared against (commonBcryptCost of the users' hashes). */
  constructor(lookup: (name: string) => User | undefined, standInCost: () => number = () => DEFAULT_COST) {
    this.#lookup = lookup;
    this.#standInCost = standInCost;
  }

  async authenticate(name: string, password: string): Promise<User | undefined> {
    const user = this.#lookup(name);
    const hash = user?.passwordHash ?? (await this.#standInHash());
    const key = createHash('sha256').update(`${name}\0${password}\0${hash}`).digest('base64');
    const now = Date.now();
    if ((this.#verified.get(key) ?? 0) > now && user) return user;
    const matches = await bcrypt.compare(password, hash);
    if (!matches || !user) return undefined;
    if (this.#verified.size >= VERIFIED_CACHE_LIMIT) this.#verified.clear();
    this.#verified.set(key, now + VERIFIED_CACHE_MS);
    return user;
  }

  #standInHash(): Promise<string> {
    const cost = this.#standInCost();
    let hash = this.#standInHashes.get(cost);
    if (!hash) {
      hash = bcrypt.hash(STAND_IN_PASSWORD, cost);
      this.#standInHashes.set(cost, hash);
    }
    return hash;
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
