import type { ConnectionInfo, Endpoint, Side } from '../tcp/connection.ts';
import type { ClientSoftware, ConnectionStats, ConnectionView, DirectionEvidence, Role, SaslState } from './events.ts';
import type { FetchSessions } from './fetch-sessions.ts';

/** The sniffer's own record of a connection: what ConnectionView shows, plus decoding state. */
export class ConnectionState implements ConnectionView {
  readonly id: number;
  readonly ipVersion: 4 | 6;
  readonly client: Endpoint;
  readonly broker: Endpoint;
  readonly openedAtMicros: number;
  readonly directionEvidence: DirectionEvidence;
  readonly midStream: boolean;
  readonly tls: boolean;
  clientId: string | null = null;
  software: ClientSoftware | undefined;
  sasl: SaslState | undefined;
  readonly stats: ConnectionStats = {
    requests: 0,
    responses: 0,
    bytesFromClient: 0,
    bytesFromBroker: 0,
    undecodableFrames: 0,
    unmatchedResponses: 0,
    unansweredRequests: 0,
    saslRawTokens: 0,
  };
  readonly fetchSessions: FetchSessions;
  /** A SaslHandshake v0 succeeded: the client's next frames are raw SASL tokens. */
  rawSaslExpected = false;
  /** Highest correlation id the client used, for judging frame starts after lost bytes. */
  lastCorrelationId = -1;
  readonly #roles = new Set<Role>();

  constructor(info: ConnectionInfo, brokerSide: Side, evidence: DirectionEvidence, tls: boolean, fetchSessions: FetchSessions) {
    this.id = info.id;
    this.ipVersion = info.ipVersion;
    this.client = brokerSide === 'server' ? info.client : info.server;
    this.broker = brokerSide === 'server' ? info.server : info.client;
    this.openedAtMicros = info.openedAtMicros;
    this.directionEvidence = evidence;
    this.midStream = !info.startKnown(brokerSide === 'server' ? 'client' : 'server');
    this.tls = tls;
    this.fetchSessions = fetchSessions;
  }

  get roles(): readonly Role[] {
    return [...this.#roles];
  }

  addRole(role: Role | undefined): void {
    if (role !== undefined) this.#roles.add(role);
  }

  /** Records what a SASL exchange showed; unknown parts keep what was known. */
  noteSasl(mechanism: string | undefined, principal: string | undefined, authenticated: boolean | undefined): void {
    const known = this.sasl;
    this.sasl = {
      mechanism: mechanism ?? known?.mechanism,
      principal: principal ?? known?.principal,
      authenticated: authenticated ?? known?.authenticated,
    };
  }

  toJSON(): object {
    return {
      id: this.id,
      client: this.client,
      broker: this.broker,
      openedAtMicros: this.openedAtMicros,
      directionEvidence: this.directionEvidence,
      midStream: this.midStream,
      tls: this.tls,
      clientId: this.clientId,
      software: this.software,
      sasl: this.sasl,
      roles: this.roles,
      stats: this.stats,
    };
  }
}
