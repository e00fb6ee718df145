import { saslUsername, scramServerOutcome } from '../sasl-tokens.ts';
import type { ApiExtractor } from './context.ts';
import { bytesField, numberField, stringField } from './fields.ts';

/** SaslHandshake: the mechanism; a v0 handshake the broker accepts is followed by raw SASL tokens. */
export const saslHandshakeExtractor: ApiExtractor = {
  request(body, _version, facts, context) {
    const mechanism = stringField(body, 'mechanism');
    if (mechanism === undefined) return;
    facts.details.saslMechanism = mechanism;
    context.connection.sasl = { mechanism, principal: undefined, authenticated: undefined };
  },
  response(body, version, _facts, context) {
    if (version === 0 && (numberField(body, 'errorCode') ?? -1) === 0) context.connection.rawSaslExpected = true;
  },
};

/** SaslAuthenticate: the user name of PLAIN and SCRAM, and whether the broker accepted it. */
export const saslAuthenticateExtractor: ApiExtractor = {
  request(body, _version, facts, context) {
    const mechanism = context.connection.sasl?.mechanism;
    if (mechanism !== undefined) facts.details.saslMechanism = mechanism;
    const token = bytesField(body, 'authBytes');
    const user = token === undefined ? undefined : saslUsername(mechanism, token);
    if (user === undefined) return;
    facts.saslUser = user;
    facts.details.principal = user;
  },
  response(body, _version, facts, context) {
    const errorCode = numberField(body, 'errorCode') ?? -1;
    const user = facts.saslUser ?? context.connection.sasl?.principal;
    const mechanism = context.connection.sasl?.mechanism;
    if (user !== undefined) facts.details.principal = user;
    const scram = scramServerOutcome(bytesField(body, 'authBytes') ?? Buffer.alloc(0));
    let authenticated: boolean | undefined;
    if (errorCode !== 0) authenticated = false;
    else if (scram !== undefined) authenticated = scram;
    else if (mechanism?.toUpperCase() === 'PLAIN') authenticated = true;
    context.connection.noteSasl(mechanism, user, authenticated);
  },
};
