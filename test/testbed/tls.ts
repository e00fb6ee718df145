/**
 * Optional SSL listener (`testbedUp({ tls: true })`, KRaft only): one extra port per broker, served
 * with a certificate signed by a CA made for the instance, requiring a client certificate signed by
 * the same CA. Certificates and keys are PEM files under the instance's tls/ directory.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PropertyValue } from './kafka-config.ts';
import type { KafkaNode, TestbedTls } from './types.ts';

const LISTENER = 'SSL';
const DAYS = '30';

function openssl(args: readonly string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** A key and a certificate for `subject`, signed by the CA in `dir` (ca.pem, ca-key.pem). */
function issueCertificate(dir: string, name: string, subject: string, extensions: string): void {
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}-key.pem`, '-subj', subject, '-out', `${name}.csr`], dir);
  writeFileSync(join(dir, `${name}.ext`), extensions);
  openssl(
    [
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca-key.pem',
      '-CAcreateserial',
      '-days',
      DAYS,
      '-extfile',
      `${name}.ext`,
      '-out',
      `${name}.pem`,
    ],
    dir,
  );
}

export interface SelfSignedOptions {
  /** File names in the directory; cert.pem and key.pem by default. */
  readonly certFile?: string;
  readonly keyFile?: string;
  /** What the certificate is valid for besides its common name: IP:127.0.0.1, DNS:localhost. */
  readonly subjectAltName?: string;
}

/** A self-signed certificate and its key in `dir` (created when missing): a CA, or a test server's own certificate. */
export function createSelfSignedCertificate(
  dir: string,
  commonName: string,
  options: SelfSignedOptions = {},
): { certPath: string; keyPath: string } {
  const { certFile = 'cert.pem', keyFile = 'key.pem', subjectAltName } = options;
  mkdirSync(dir, { recursive: true });
  const validFor = subjectAltName === undefined ? [] : ['-addext', `subjectAltName=${subjectAltName}`];
  openssl(
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-days',
      DAYS,
      '-subj',
      `/CN=${commonName}`,
      ...validFor,
    ],
    dir,
  );
  return { certPath: join(dir, certFile), keyPath: join(dir, keyFile) };
}

/** A certificate authority alone (ca.pem, ca-key.pem), as a client would be given a wrong one. */
export function createCertificateAuthority(dir: string, commonName: string): string {
  return createSelfSignedCertificate(dir, commonName, { certFile: 'ca.pem', keyFile: 'ca-key.pem' }).certPath;
}

/** The instance's CA, the brokers' certificate (valid for `host`) and a client certificate. */
export function createTestbedCertificates(dir: string, host: string): TestbedTls {
  const caFile = createCertificateAuthority(dir, 'kafka-sonar test bed CA');
  const altName = /^[\d.]+$|:/.test(host) ? `IP:${host}` : `DNS:${host}`;
  issueCertificate(
    dir,
    'broker',
    '/CN=kafka-sonar test bed broker',
    `subjectAltName=${altName},DNS:localhost\nextendedKeyUsage=serverAuth\n`,
  );
  issueCertificate(dir, 'client', '/CN=kafka-sonar test bed client', 'extendedKeyUsage=clientAuth\n');
  const keystore = join(dir, 'broker-keystore.pem');
  writeFileSync(keystore, readFileSync(join(dir, 'broker-key.pem'), 'utf8') + readFileSync(join(dir, 'broker.pem'), 'utf8'));
  return { caFile, brokerKeystoreFile: keystore, clientCertFile: join(dir, 'client.pem'), clientKeyFile: join(dir, 'client-key.pem') };
}

/** The node's listeners, advertised listeners and protocol map extended with the SSL listener. */
export function withTlsListener(
  properties: Record<string, PropertyValue>,
  node: KafkaNode,
  tls: TestbedTls | undefined,
): Record<string, PropertyValue> {
  if (node.tlsPort === undefined || tls === undefined) return properties;
  const endpoint = `${LISTENER}://${node.host}:${node.tlsPort}`;
  return {
    ...properties,
    listeners: `${properties.listeners},${endpoint}`,
    'advertised.listeners': `${properties['advertised.listeners']},${endpoint}`,
    'listener.security.protocol.map': `${properties['listener.security.protocol.map']},${LISTENER}:${LISTENER}`,
    'ssl.keystore.type': 'PEM',
    'ssl.keystore.location': tls.brokerKeystoreFile,
    'ssl.truststore.type': 'PEM',
    'ssl.truststore.location': tls.caFile,
    'ssl.client.auth': 'required',
  };
}

export function tlsBootstrapServers(brokers: readonly KafkaNode[]): string | undefined {
  const endpoints = brokers.filter((broker) => broker.tlsPort !== undefined).map((broker) => `${broker.host}:${broker.tlsPort}`);
  return endpoints.length > 0 ? endpoints.join(',') : undefined;
}
