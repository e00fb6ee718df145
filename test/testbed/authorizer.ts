/**
 * Optional authorizer (`testbedUp({ authorizer: true })`, both modes), so ACLs can be created,
 * described and deleted. The PLAINTEXT listeners' principal (User:ANONYMOUS) is a super user, so
 * the test bed's own clients and the brokers keep every right whatever ACLs a test writes.
 */
import type { PropertyValue } from './kafka-config.ts';
import type { KafkaMode } from './types.ts';

const AUTHORIZERS: Record<KafkaMode, string> = {
  kraft: 'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
  zk: 'kafka.security.authorizer.AclAuthorizer',
};

export function withAuthorizer(
  properties: Record<string, PropertyValue>,
  mode: KafkaMode,
  enabled: boolean,
): Record<string, PropertyValue> {
  if (!enabled) return properties;
  return {
    ...properties,
    'authorizer.class.name': AUTHORIZERS[mode],
    'super.users': 'User:ANONYMOUS',
    'allow.everyone.if.no.acl.found': 'true',
  };
}
