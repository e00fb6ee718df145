import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/** A self-signed certificate and its key (openssl, valid for a day) in `dir`, for a test's own TLS server or CA file. */
export function selfSignedCertificate(dir: string, commonName: string, subjectAltName?: string): { certPath: string; keyPath: string } {
  const certPath = join(dir, 'cert.pem');
  const keyPath = join(dir, 'key.pem');
  execFileSync(
    'openssl',
    [
      ...[
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        keyPath,
        '-out',
        certPath,
        '-days',
        '1',
        '-subj',
        `/CN=${commonName}`,
      ],
      ...(subjectAltName === undefined ? [] : ['-addext', `subjectAltName=${subjectAltName}`]),
    ],
    { stdio: 'ignore' },
  );
  return { certPath, keyPath };
}
