import type { Role } from '../events.ts';
import type { ApiExtractor } from './context.ts';
import { fetchExtractor } from './fetch.ts';
import {
  consumerGroupHeartbeatExtractor,
  heartbeatExtractor,
  joinGroupExtractor,
  leaveGroupExtractor,
  offsetCommitExtractor,
  offsetFetchExtractor,
  syncGroupExtractor,
} from './groups.ts';
import { metadataExtractor } from './metadata.ts';
import { apiVersionsExtractor, findCoordinatorExtractor, initProducerIdExtractor, listOffsetsExtractor } from './misc.ts';
import { produceExtractor } from './produce.ts';
import { saslAuthenticateExtractor, saslHandshakeExtractor } from './sasl.ts';

const EXTRACTORS = new Map<number, ApiExtractor>([
  [0, produceExtractor],
  [1, fetchExtractor],
  [2, listOffsetsExtractor],
  [3, metadataExtractor],
  [8, offsetCommitExtractor],
  [9, offsetFetchExtractor],
  [10, findCoordinatorExtractor],
  [11, joinGroupExtractor],
  [12, heartbeatExtractor],
  [13, leaveGroupExtractor],
  [14, syncGroupExtractor],
  [17, saslHandshakeExtractor],
  [18, apiVersionsExtractor],
  [22, initProducerIdExtractor],
  [36, saslAuthenticateExtractor],
  [68, consumerGroupHeartbeatExtractor],
]);

/** The extractor of an API key; APIs without one are reported by key, version, sizes and errors. */
export function extractorFor(apiKey: number): ApiExtractor | undefined {
  return EXTRACTORS.get(apiKey);
}

const PRODUCER_APIS = [0, 22, 24, 25, 26, 28];
const GROUP_APIS = [8, 9, 11, 12, 13, 14, 68, 76, 88];
// Fetch, ShareFetch, ShareAcknowledge.
const CONSUMER_APIS = [1, 78, 79];
const ADMIN_APIS = [
  15, 16, 19, 20, 21, 29, 30, 31, 32, 33, 34, 35, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 55, 57, 60, 61, 65, 66, 69, 74, 75, 77, 89,
  90, 91, 92,
];
const BROKER_APIS = [4, 5, 6, 7, 27, 52, 53, 54, 56, 58, 59, 62, 63, 64, 67, 70, 73, 80, 81, 82, 83, 84, 85, 86, 87, 93, 94];

const ROLES = new Map<number, Role>([
  ...PRODUCER_APIS.map((key): [number, Role] => [key, 'producer']),
  ...GROUP_APIS.map((key): [number, Role] => [key, 'group']),
  ...ADMIN_APIS.map((key): [number, Role] => [key, 'admin']),
  ...BROKER_APIS.map((key): [number, Role] => [key, 'broker']),
  ...CONSUMER_APIS.map((key): [number, Role] => [key, 'consumer']),
]);

/** What sending this API says about the client; Fetch is refined by its replica id. */
export function roleOf(apiKey: number): Role | undefined {
  return ROLES.get(apiKey);
}
