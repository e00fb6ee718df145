/** Link-layer header types (LINKTYPE_* in files, DLT_* from live libpcap) that the decoder understands. */
export const LINKTYPE_NULL = 0;
export const LINKTYPE_ETHERNET = 1;
/** DLT_RAW on most platforms; DLT_LOOP on OpenBSD, which the decoder tells apart by the first byte. */
export const DLT_RAW_COMMON = 12;
/** DLT_RAW on BSD/OS and OpenBSD. */
export const DLT_RAW_BSD = 14;
export const LINKTYPE_RAW = 101;
export const LINKTYPE_LOOP = 108;
export const LINKTYPE_LINUX_SLL = 113;
export const LINKTYPE_IPV4 = 228;
export const LINKTYPE_IPV6 = 229;
export const LINKTYPE_LINUX_SLL2 = 276;

/**
 * Maps the link-type string returned by the `cap` package's open() to a link-type number.
 * `cap` reports DLT values as names, and other types as "Unknown linktype <n>".
 */
export function linkTypeFromCapName(name: string): number | undefined {
  switch (name) {
    case 'NULL':
      return LINKTYPE_NULL;
    case 'ETHERNET':
      return LINKTYPE_ETHERNET;
    case 'LINKTYPE_LINUX_SLL':
      return LINKTYPE_LINUX_SLL;
    case 'RAW':
      return DLT_RAW_COMMON;
    default: {
      const unknown = /^Unknown linktype (\d+)$/.exec(name);
      return unknown === null ? undefined : Number(unknown[1]);
    }
  }
}
