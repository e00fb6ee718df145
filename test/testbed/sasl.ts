/**
 * Optional SASL_PLAINTEXT listener (`testbedUp({ sasl: true })`, KRaft only): one extra port per
 * broker accepting PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512 for fixed test users. The PLAIN user is
 * defined in the listener's JAAS config; the SCRAM users are written into the storage at format time.
 */
import type { PropertyValue } from './kafka-config.ts';
import type { KafkaNode } from './types.ts';

export interface SaslUser {
  username: string;
  password: string;
}

export const SASL_PLAIN_USER: SaslUser = { username: 'sonar-plain', password: 'sonar-plain-secret' };
export const SASL_SCRAM_USER: SaslUser = { username: 'sonar-scram', password: 'sonar-scram-secret' };
export const SASL_MECHANISMS = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] as const;

const LISTENER = 'SASL_PLAINTEXT';

/** The node's listeners, advertised listeners and protocol map extended with the SASL listener. */
export function withSaslListener(properties: Record<string, PropertyValue>, node: KafkaNode): Record<string, PropertyValue> {
  if (node.saslPort === undefined) return properties;
  const endpoint = `${LISTENER}://${node.host}:${node.saslPort}`;
  return {
    ...properties,
    listeners: `${properties.listeners},${endpoint}`,
    'advertised.listeners': `${properties['advertised.listeners']},${endpoint}`,
    'listener.security.protocol.map': `${properties['listener.security.protocol.map']},${LISTENER}:${LISTENER}`,
    'sasl.enabled.mechanisms': SASL_MECHANISMS.join(','),
    'listener.name.sasl_plaintext.plain.sasl.jaas.config': `org.apache.kafka.common.security.plain.PlainLoginModule required user_${SASL_PLAIN_USER.username}="${SASL_PLAIN_USER.password}";`,
    'listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config': 'org.apache.kafka.common.security.scram.ScramLoginModule required;',
    'listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config': 'org.apache.kafka.common.security.scram.ScramLoginModule required;',
  };
}

/** Extra `kafka-storage format` arguments creating the SCRAM user for both SCRAM mechanisms. */
export function scramFormatArguments(): string[] {
  const { username, password } = SASL_SCRAM_USER;
  return ['SCRAM-SHA-256', 'SCRAM-SHA-512'].flatMap((mechanism) => ['--add-scram', `${mechanism}=[name=${username},password=${password}]`]);
}

export function saslBootstrapServers(brokers: readonly KafkaNode[]): string | undefined {
  const endpoints = brokers.filter((broker) => broker.saslPort !== undefined).map((broker) => `${broker.host}:${broker.saslPort}`);
  return endpoints.length > 0 ? endpoints.join(',') : undefined;
}
