// User names out of SASL tokens. Only the user name is ever returned: the password (PLAIN) and the
// proofs (SCRAM) are not read past, copied or kept.

const NUL = 0;
const MAX_USERNAME_BYTES = 1024;

/** PLAIN (RFC 4616): [authzid] NUL authcid NUL passwd -> authcid. */
export function plainUsername(token: Buffer): string | undefined {
  const first = token.indexOf(NUL);
  if (first < 0) return undefined;
  const second = token.indexOf(NUL, first + 1);
  if (second < 0 || second === first + 1 || second - first - 1 > MAX_USERNAME_BYTES) return undefined;
  return token.toString('utf8', first + 1, second);
}

/** SCRAM (RFC 5802) client-first-message: gs2-header "n=user,r=nonce..." -> user (=2C and =3D unescaped). */
export function scramUsername(token: Buffer): string | undefined {
  const head = token.toString('latin1', 0, Math.min(token.length, MAX_USERNAME_BYTES + 64));
  const match = /^[nyp][^,]*,(?:a=[^,]*)?,n=([^,]*),r=/.exec(head);
  if (!match || match[1] === '') return undefined;
  const raw = Buffer.from(match[1]!, 'latin1').toString('utf8');
  return raw.replaceAll('=2C', ',').replaceAll('=3D', '=');
}

/** The user name in a client's first SASL token, by mechanism (both forms tried when it is unknown). */
export function saslUsername(mechanism: string | undefined, token: Buffer): string | undefined {
  const upper = mechanism?.toUpperCase();
  if (upper === 'PLAIN') return plainUsername(token);
  if (upper?.startsWith('SCRAM-')) return scramUsername(token);
  if (upper !== undefined) return undefined;
  return scramUsername(token) ?? plainUsername(token);
}

/** SCRAM server-final-message: "v=..." on success, "e=..." on failure. */
export function scramServerOutcome(token: Buffer): boolean | undefined {
  if (token.length < 2 || token[1] !== 0x3d) return undefined;
  if (token[0] === 0x76) return true;
  if (token[0] === 0x65) return false;
  return undefined;
}
