import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import bcrypt from 'bcryptjs';
import { loadWebConfig } from '../../../src/api/web-config.ts';
import { ConfigError } from '../../../src/config/errors.ts';
import { createSelfSignedCertificate } from '../../testbed/tls.ts';

const dir = mkdtempSync(join(tmpdir(), 'sonar-web-config-'));
const certs = join(dir, 'certs');
const HASH = bcrypt.hashSync('pw', 4);
let cert: Buffer;
let key: Buffer;

before(() => {
  createSelfSignedCertificate(certs, 'x');
  cert = readFileSync(join(certs, 'cert.pem'));
  key = readFileSync(join(certs, 'key.pem'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
/** Writes the content as a web config file in `dir` and answers its path. */
function webConfig(content: string): string {
  const path = join(dir, `web-${(files += 1)}.yml`);
  writeFileSync(path, content);
  return path;
}

const TLS = 'tls_server_config:\n  cert_file: certs/cert.pem\n  key_file: certs/key.pem\n';

function refused(path: string, pattern: RegExp): void {
  assert.throws(
    () => loadWebConfig(path),
    (error: unknown) => {
      assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
      assert.match(error.message, pattern);
      return true;
    },
  );
}

const escaped = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('loadWebConfig', () => {
  test('an empty file: no TLS, no headers, no users', () => {
    assert.deepEqual(loadWebConfig(webConfig('')), { tls: undefined, clientCertificate: 'none', headers: {}, users: new Map() });
  });

  test("TLS from paths relative to the file's folder, TLS 1.2 at least by default", () => {
    const config = loadWebConfig(webConfig(TLS));
    assert.ok(config.tls);
    assert.deepEqual(config.tls.cert, cert);
    assert.deepEqual(config.tls.key, key);
    assert.equal(config.tls.ca, undefined);
    assert.equal(config.tls.requestCert, false);
    assert.equal(config.tls.rejectUnauthorized, false);
    assert.equal(config.tls.minVersion, 'TLSv1.2');
    assert.equal(config.tls.maxVersion, undefined);
    assert.equal(config.clientCertificate, 'none');
  });

  test('relative paths are resolved against the file, not the working directory', () => {
    const nested = join(dir, 'nested');
    mkdirSync(nested, { recursive: true });
    const path = join(nested, 'web.yml');
    writeFileSync(path, 'tls_server_config:\n  cert_file: ../certs/cert.pem\n  key_file: ../certs/key.pem\n');
    assert.deepEqual(loadWebConfig(path).tls?.cert, cert);
    writeFileSync(path, TLS);
    refused(path, new RegExp(`tls_server_config\\.cert_file: cannot read ${escaped(join(nested, 'certs', 'cert.pem'))}: ENOENT`));
  });

  test('absolute paths are used as they are', () => {
    const config = loadWebConfig(
      webConfig(
        `tls_server_config:\n  cert_file: ${join(certs, 'cert.pem')}\n  key_file: ${join(certs, 'key.pem')}\n  client_ca_file: ${join(certs, 'cert.pem')}\n  client_auth_type: RequireAndVerifyClientCert\n`,
      ),
    );
    assert.deepEqual(config.tls?.ca, cert);
  });

  for (const [authType, requestCert, rejectUnauthorized, clientCertificate, needsCa] of [
    ['NoClientCert', false, false, 'none', false],
    ['RequestClientCert', true, false, 'none', false],
    ['RequireAnyClientCert', true, false, 'any', false],
    ['VerifyClientCertIfGiven', true, false, 'verified-if-given', true],
    ['RequireAndVerifyClientCert', true, true, 'none', true],
  ] as const) {
    test(`client_auth_type ${authType}: requestCert ${requestCert}, rejectUnauthorized ${rejectUnauthorized}, check ${clientCertificate}`, () => {
      const ca = needsCa ? '  client_ca_file: certs/cert.pem\n' : '';
      const config = loadWebConfig(webConfig(`${TLS}  client_auth_type: ${authType}\n${ca}`));
      assert.equal(config.tls?.requestCert, requestCert);
      assert.equal(config.tls?.rejectUnauthorized, rejectUnauthorized);
      assert.equal(config.clientCertificate, clientCertificate);
      if (needsCa) assert.deepEqual(config.tls?.ca, cert);
    });
  }

  for (const authType of ['RequireAndVerifyClientCert', 'VerifyClientCertIfGiven']) {
    test(`${authType} without client_ca_file is refused`, () => {
      refused(
        webConfig(`${TLS}  client_auth_type: ${authType}\n`),
        new RegExp(`tls_server_config\\.client_auth_type ${authType} needs client_ca_file`),
      );
    });
  }

  test('an unknown client_auth_type is refused, listing the choices', () => {
    refused(
      webConfig(`${TLS}  client_auth_type: Mandatory\n`),
      /client_auth_type "Mandatory" is not one of NoClientCert, RequestClientCert, /,
    );
  });

  test('min_version and max_version', () => {
    const config = loadWebConfig(webConfig(`${TLS}  min_version: TLS13\n  max_version: TLS13\n`));
    assert.equal(config.tls?.minVersion, 'TLSv1.3');
    assert.equal(config.tls?.maxVersion, 'TLSv1.3');
    assert.equal(loadWebConfig(webConfig(`${TLS}  min_version: TLS10\n`)).tls?.minVersion, 'TLSv1');
  });

  test('a bad min_version or max_version is refused', () => {
    refused(
      webConfig(`${TLS}  min_version: TLSv1.2\n`),
      /tls_server_config\.min_version "TLSv1\.2" is not one of TLS10, TLS11, TLS12, TLS13/,
    );
    refused(webConfig(`${TLS}  max_version: SSL3\n`), /tls_server_config\.max_version "SSL3" is not one of/);
  });

  test('cipher_suites are refused, an empty list is fine', () => {
    refused(
      webConfig(`${TLS}  cipher_suites: [TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256]\n`),
      /tls_server_config\.cipher_suites is not supported/,
    );
    assert.ok(loadWebConfig(webConfig(`${TLS}  cipher_suites: []\n`)).tls);
  });

  test('the other exporter-toolkit TLS fields are accepted', () => {
    assert.ok(loadWebConfig(webConfig(`${TLS}  prefer_server_cipher_suites: true\n  curve_preferences: [X25519]\n`)).tls);
  });

  test('cert_file and key_file are both needed', () => {
    refused(webConfig('tls_server_config:\n  cert_file: certs/cert.pem\n'), /tls_server_config needs cert_file and key_file/);
    refused(webConfig('tls_server_config:\n  key_file: certs/key.pem\n'), /tls_server_config needs cert_file and key_file/);
    refused(webConfig('tls_server_config:\n  cert_file: 12\n  key_file: certs/key.pem\n'), /tls_server_config\.cert_file must be a string/);
  });

  test('unknown fields are refused, naming the section and the field', () => {
    const path = webConfig('basic_auth_user: {}\n');
    refused(
      path,
      new RegExp(
        `^web\\.config\\.file: ${escaped(path)}: the file: unknown field basic_auth_user \\(expected tls_server_config, http_server_config, basic_auth_users\\)$`,
      ),
    );
    refused(webConfig(`${TLS}  client_ca: certs/cert.pem\n`), /tls_server_config: unknown field client_ca/);
    refused(webConfig('http_server_config:\n  header: {}\n'), /http_server_config: unknown field header \(expected http2, headers\)/);
  });

  test('headers: the allowed ones, in their canonical spelling', () => {
    const config = loadWebConfig(
      webConfig(
        'http_server_config:\n  http2: true\n  headers:\n    strict-transport-security: max-age=31536000\n    X-Frame-Options: deny\n    Content-Security-Policy: "default-src \'self\'"\n',
      ),
    );
    assert.deepEqual(config.headers, {
      'Strict-Transport-Security': 'max-age=31536000',
      'X-Frame-Options': 'deny',
      'Content-Security-Policy': "default-src 'self'",
    });
  });

  test('a header off the allow-list or not a string is refused', () => {
    refused(
      webConfig('http_server_config:\n  headers:\n    Set-Cookie: a=b\n'),
      /http_server_config\.headers: Set-Cookie may not be set \(allowed: Strict-Transport-Security, /,
    );
    refused(
      webConfig('http_server_config:\n  headers:\n    X-Frame-Options: 1\n'),
      /http_server_config\.headers\.X-Frame-Options must be a string/,
    );
  });

  test('basic_auth_users: bcrypt hashes by user name', () => {
    const htpasswd = execFileSync('htpasswd', ['-nbB', '-C', '4', 'bob', 'pw'], { encoding: 'utf8' }).trim().split(':')[1]!;
    const config = loadWebConfig(webConfig(`basic_auth_users:\n  alice: ${JSON.stringify(HASH)}\n  bob: '${htpasswd}'\n`));
    assert.deepEqual(
      config.users,
      new Map([
        ['alice', HASH],
        ['bob', htpasswd],
      ]),
    );
  });

  test('a user whose hash is not bcrypt is refused, naming the user', () => {
    refused(
      webConfig('basic_auth_users:\n  alice: plaintext\n'),
      /basic_auth_users\.alice is not a bcrypt hash \(make one with htpasswd -nbB alice/,
    );
    refused(
      webConfig('basic_auth_users:\n  alice: "$apr1$rQPANB5E$Q57g08ZqcvPjmIIavDCo//"\n'),
      /basic_auth_users\.alice is not a bcrypt hash/,
    );
    refused(webConfig('basic_auth_users:\n  carol:\n'), /basic_auth_users\.carol is not a bcrypt hash/);
  });

  test('sections of the wrong shape are refused', () => {
    refused(webConfig('- a\n'), /expected a map with tls_server_config, http_server_config or basic_auth_users/);
    refused(webConfig('tls_server_config: yes\n'), /tls_server_config must be a map/);
    refused(webConfig('http_server_config: []\n'), /http_server_config must be a map/);
    refused(webConfig('basic_auth_users: [alice]\n'), /basic_auth_users must be a map/);
  });

  test('a missing file is a ConfigError naming it', () => {
    const path = join(dir, 'absent.yml');
    refused(path, new RegExp(`^web\\.config\\.file: ${escaped(path)}: cannot read \\(ENOENT\\)$`));
  });

  test('invalid YAML is a ConfigError naming the file', () => {
    const path = webConfig('basic_auth_users: [\n  alice: x\nfoo: :\n');
    refused(path, new RegExp(`^web\\.config\\.file: ${escaped(path)}: `));
  });

  // Fails today: yaml's parse errors carry a `code` (BAD_INDENT, ...), which loadWebConfig takes for a
  // file-system error code, so the message reads "cannot read (BAD_INDENT)" instead of "not valid YAML".
  test('invalid YAML is reported as not valid YAML', () => {
    refused(webConfig('basic_auth_users: [\n  alice: x\nfoo: :\n'), /: not valid YAML: /);
  });
});
