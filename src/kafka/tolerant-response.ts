interface ResponseWithErrors {
  response?: unknown;
}

/**
 * Kafka's client rejects a whole response when any entry carries an error code; the entries
 * without errors are still good, so keep the response and let the caller judge each entry.
 */
export async function tolerant<T>(request: Promise<T>): Promise<T> {
  try {
    return await request;
  } catch (error) {
    const response = (error as ResponseWithErrors).response;
    if (response !== undefined && response !== null) return response as T;
    throw error;
  }
}
