import type { TLSSocket } from 'node:tls';
import type express from 'express';
import { Authenticator, basicCredentials, commonBcryptCost } from '../admin/authenticator.ts';
import type { WebConfig } from './web-config.ts';

/** Paths with their own users and roles (the admin API), which the listener's basic auth leaves to them. */
const OWN_AUTHENTICATION = ['/v3', '/sonar/v1'];

const ownsAuthentication = (path: string): boolean => OWN_AUTHENTICATION.some((root) => path === root || path.startsWith(`${root}/`));

/** The web config's headers, client certificate rules and basic auth, in front of every route. */
export function listenerGuard(config: WebConfig): express.RequestHandler {
  const authenticator = new Authenticator(
    (name) => {
      const passwordHash = config.users.get(name);
      return passwordHash === undefined ? undefined : { name, passwordHash };
    },
    () => commonBcryptCost(config.users.values()),
  );
  return (request, response, next) => {
    for (const [name, value] of Object.entries(config.headers)) response.set(name, value);
    const socket = request.socket as Partial<TLSSocket>;
    if (config.clientCertificate !== 'none' && typeof socket.getPeerCertificate === 'function') {
      const given = Object.keys(socket.getPeerCertificate()).length > 0;
      if (!given && config.clientCertificate === 'any') {
        response.status(403).type('text/plain').send('a client certificate is required\n');
        return;
      }
      if (given && config.clientCertificate === 'verified-if-given' && socket.authorized !== true) {
        response
          .status(403)
          .type('text/plain')
          .send(`the client certificate is not trusted: ${String(socket.authorizationError)}\n`);
        return;
      }
    }
    if (config.users.size === 0 || ownsAuthentication(request.path)) {
      next();
      return;
    }
    const credentials = basicCredentials(request.get('authorization'));
    const refuse = (): void => {
      response.status(401).set('WWW-Authenticate', 'Basic realm="kafka-sonar", charset="UTF-8"').type('text/plain').send('Unauthorized\n');
    };
    if (!credentials) {
      refuse();
      return;
    }
    authenticator.authenticate(credentials.name, credentials.password).then((user) => (user ? next() : refuse()), next);
  };
}
