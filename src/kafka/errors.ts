interface NestedError {
  message?: unknown;
  errors?: unknown;
  cause?: unknown;
}

/**
 * One line out of the Kafka client's nested errors (MultipleErrors with per-broker errors and
 * their socket causes): the innermost, most specific reasons, without repeats.
 */
export function describeKafkaError(error: unknown): string {
  const reasons: string[] = [];
  const visit = (node: unknown, depth: number): void => {
    if (depth > 5 || typeof node !== 'object' || node === null) return;
    const { message, errors, cause } = node as NestedError;
    const children = [...(Array.isArray(errors) ? errors : []), ...(cause ? [cause] : [])];
    if (children.length === 0 && typeof message === 'string' && !reasons.includes(message)) reasons.push(message);
    for (const child of children) visit(child, depth + 1);
  };
  visit(error, 0);
  const top = (error as NestedError | undefined)?.message;
  if (reasons.length === 0) return typeof top === 'string' ? top : String(error);
  return typeof top === 'string' && !reasons.includes(top) ? `${top} (${reasons.join('; ')})` : reasons.join('; ');
}
