/** An IP address (dotted quad, or RFC 5952 text for IPv6, as the sniffer prints them) and a port. */
export interface AddressPort {
  readonly ip: string;
  readonly port: number;
}

/**
 * Finds the address a client really had before network address translation (SNAT, masquerade,
 * a Kubernetes Service) hid it from the broker. The live agent accepts any implementation.
 */
export interface ClientAddressResolver {
  /**
   * `client` and `broker` as the sniffer sees them on the broker side. Returns the client's original
   * address when a translation changed it; undefined when there was none or it is not known (yet).
   * Never blocks: an implementation may look the answer up in the background for a later call.
   */
  originalClient(client: AddressPort, broker: AddressPort): AddressPort | undefined;
  /**
   * Whether the connection is known at all, translated or not: a known connection without a
   * translation need not wait for one. Same arguments and rules as originalClient.
   */
  knows?(client: AddressPort, broker: AddressPort): boolean;
}

export const noClientAddressResolver: ClientAddressResolver = {
  originalClient: () => undefined,
};
