import type { ConnectionOptions as TlsOptions } from 'node:tls';
import { FOUR_LETTER_WORDS, type FourLetterWord } from './four-letter-word-parsers.ts';
import { parseEndpoint, sendFourLetterWord } from './four-letter-word-client.ts';
import type { MemberAnswers } from './member-state.ts';

/** Sends every four-letter word to one member at once; a word that fails is recorded, not thrown. */
export async function readMemberAnswers(
  server: string,
  options: { timeoutMs: number; tls: TlsOptions | undefined; signal: AbortSignal },
): Promise<MemberAnswers> {
  const endpoint = parseEndpoint(server);
  const answers = new Map<FourLetterWord, string>();
  const failures = new Map<FourLetterWord, string>();
  await Promise.all(
    FOUR_LETTER_WORDS.map(async (word) => {
      try {
        answers.set(word, await sendFourLetterWord(endpoint, word, options));
      } catch (error) {
        failures.set(word, (error as Error).message.replace(`${word} to `, ''));
      }
    }),
  );
  return { server, answers, failures };
}
