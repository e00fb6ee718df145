/** Calling the exporter's admin API in tests, and users files with real bcrypt hashes from htpasswd. */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

export interface TestUser {
  readonly name: string;
  readonly password: string;
  readonly roles: readonly string[];
}

export interface ApiAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly json: Record<string, unknown> | undefined;
  readonly text: string;
}

/** A bcrypt hash as operators make them (htpasswd -nbB); cost 5 keeps tests quick. */
export function htpasswdHash(user: string, password: string): string {
  const line = execFileSync('htpasswd', ['-nbB', '-C', '5', user, password], { encoding: 'utf8' }).trim();
  return line.slice(line.indexOf(':') + 1);
}

export function writeUsersFile(path: string, users: readonly TestUser[], roles = ''): void {
  const lines = [
    'users:',
    ...users.map(
      (user) => `  - { name: ${user.name}, password_hash: "${htpasswdHash(user.name, user.password)}", roles: [${user.roles.join(', ')}] }`,
    ),
  ];
  writeFileSync(path, `${lines.join('\n')}\n${roles}`);
}

export interface CallOptions {
  readonly as?: { readonly name: string; readonly password: string };
  readonly body?: unknown;
  /** Sent as is, instead of JSON of `body`. */
  readonly rawBody?: string;
  readonly headers?: Record<string, string>;
}

export interface RecordedCall {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly json: unknown;
}

/** Every answer callApi received in this test file, for checking against the OpenAPI document. */
export const recordedCalls: RecordedCall[] = [];

export async function callApi(baseUrl: string, method: string, path: string, options: CallOptions = {}): Promise<ApiAnswer> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.as) headers['authorization'] = `Basic ${Buffer.from(`${options.as.name}:${options.as.password}`).toString('base64')}`;
  const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  if (body !== undefined) headers['content-type'] ??= 'application/json';
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body }),
    signal: AbortSignal.timeout(60_000),
  });
  const text = await response.text();
  let json: Record<string, unknown> | undefined;
  try {
    json = text === '' ? undefined : (JSON.parse(text) as Record<string, unknown>);
  } catch {
    json = undefined;
  }
  recordedCalls.push({ method: method.toLowerCase(), path, status: response.status, json });
  return { status: response.status, headers: response.headers, json, text };
}

export interface AuditLine {
  readonly user: string;
  readonly operation: string;
  readonly dry_run: boolean;
  readonly result: { status: number; error_code?: number; message?: string };
  readonly parameters: Record<string, unknown>;
  readonly changes?: unknown;
  readonly request_id: string;
}

export function auditLines(path: string): AuditLine[] {
  let content = '';
  try {
    content = readFileSync(path, 'utf8');
  } catch {
    return [];
  }
  return content
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as AuditLine);
}
