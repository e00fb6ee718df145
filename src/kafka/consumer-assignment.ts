/**
 * Decodes the ConsumerProtocolAssignment a classic consumer group's leader hands each member
 * (version int16, [topic string, [partition int32]], user data bytes). Undecodable input gives
 * an empty assignment: a group using another embedded protocol is not a consumer group.
 */
export function decodeConsumerAssignment(bytes: Buffer): Map<string, number[]> {
  const assignment = new Map<string, number[]>();
  if (bytes.length < 6) return assignment;
  let offset = 2;
  const need = (count: number): boolean => offset + count <= bytes.length;
  const topicCount = bytes.readInt32BE(offset);
  offset += 4;
  if (topicCount < 0 || topicCount > bytes.length) return new Map();
  for (let topicIndex = 0; topicIndex < topicCount; topicIndex++) {
    if (!need(2)) return new Map();
    const nameLength = bytes.readInt16BE(offset);
    offset += 2;
    if (nameLength < 0 || !need(nameLength + 4)) return new Map();
    const topic = bytes.toString('utf8', offset, offset + nameLength);
    offset += nameLength;
    const partitionCount = bytes.readInt32BE(offset);
    offset += 4;
    if (partitionCount < 0 || !need(partitionCount * 4)) return new Map();
    const partitions: number[] = [];
    for (let index = 0; index < partitionCount; index++, offset += 4) partitions.push(bytes.readInt32BE(offset));
    assignment.set(topic, [...(assignment.get(topic) ?? []), ...partitions]);
  }
  return assignment;
}
