/** Texts of IPv4 addresses seen lately: every packet names two, and few distinct ones recur. */
const ipv4Texts = new Map<number, string>();
const MAX_CACHED_IPV4_TEXTS = 4096;

/** Dotted-quad text of the IPv4 address at `offset`. */
export function formatIpv4(bytes: Buffer, offset: number): string {
  const a = bytes[offset]!;
  const b = bytes[offset + 1]!;
  const c = bytes[offset + 2]!;
  const d = bytes[offset + 3]!;
  const key = a * 0x1000000 + ((b << 16) | (c << 8) | d);
  let text = ipv4Texts.get(key);
  if (text === undefined) {
    text = `${a}.${b}.${c}.${d}`;
    if (ipv4Texts.size >= MAX_CACHED_IPV4_TEXTS) ipv4Texts.clear();
    ipv4Texts.set(key, text);
  }
  return text;
}

/** RFC 5952 text of the IPv6 address at `offset` (longest zero run compressed, IPv4-mapped as ::ffff:a.b.c.d). */
export function formatIpv6(bytes: Buffer, offset: number): string {
  const groups: number[] = [];
  for (let i = 0; i < 8; i++) groups.push(bytes.readUInt16BE(offset + i * 2));
  if (groups[0] === 0 && groups[1] === 0 && groups[2] === 0 && groups[3] === 0 && groups[4] === 0 && groups[5] === 0xffff) {
    return `::ffff:${formatIpv4(bytes, offset + 12)}`;
  }
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let end = i;
    while (end < 8 && groups[end] === 0) end++;
    if (end - i > bestLength) {
      bestStart = i;
      bestLength = end - i;
    }
    i = end;
  }
  const hex = (from: number, to: number): string =>
    groups
      .slice(from, to)
      .map((group) => group.toString(16))
      .join(':');
  if (bestStart < 0) return hex(0, 8);
  return `${hex(0, bestStart)}::${hex(bestStart + bestLength, 8)}`;
}
