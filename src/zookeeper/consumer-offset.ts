/** /consumers/<group>/offsets/<topic>/<partition>: the offset as decimal text; undefined when it is not one. */
export function parseConsumerOffset(data: string): number | undefined {
  const text = data.trim();
  if (!/^-?\d+$/.test(text)) return undefined;
  const offset = Number(text);
  return Number.isSafeInteger(offset) && offset >= 0 ? offset : undefined;
}
