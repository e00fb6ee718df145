import { OPTION_BY_KEY } from './options.ts';

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** The known option key closest to a misspelt one, if any is close enough to be a likely typo. */
export function suggestOptionKey(unknown: string): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(unknown.length / 4)) + 1;
  for (const key of OPTION_BY_KEY.keys()) {
    const distance = editDistance(unknown, key);
    if (distance < bestDistance) {
      best = key;
      bestDistance = distance;
    }
  }
  return best;
}

export function didYouMean(unknown: string): string {
  const suggestion = suggestOptionKey(unknown);
  return suggestion ? ` (did you mean ${suggestion}?)` : '';
}
