import type { DecodedStruct } from '../../protocol/index.ts';
import type { BrokerDirectory } from '../broker-directory.ts';
import type { ConnectionState } from '../connection-state.ts';
import type { TopicResolver } from '../topic-resolver.ts';
import type { ExchangeFacts } from './exchange-facts.ts';

/** What extractors may read and update besides the exchange itself. */
export interface ExtractContext {
  readonly connection: ConnectionState;
  readonly resolver: TopicResolver;
  readonly brokers: BrokerDirectory;
}

/** Turns decoded bodies of one API into attribution; `version` is the version the body was read with. */
export interface ApiExtractor {
  request?(body: DecodedStruct, version: number, facts: ExchangeFacts, context: ExtractContext): void;
  response?(body: DecodedStruct, version: number, facts: ExchangeFacts, context: ExtractContext): void;
}
