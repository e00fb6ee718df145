// Where the replay runs: the sink and the blaster on each side of a link, the agent capturing on it.
import { startExporterProcess, type ExporterProcess } from '../../test/support/exporter-process.ts';
import { NetnsLab, run } from '../../test/support/netns.ts';
import { startExporterInNamespace } from '../../test/integration/support/netns-exporter.ts';
import { launchHere, type Launch } from './child-process.ts';

export interface ReplayLink {
  readonly description: string;
  readonly captureInterface: string;
  /** The network namespace of captureInterface; undefined for the host's. */
  readonly captureNamespace?: string;
  /** The blaster's end of the link, where packets can also be put on it directly, and its namespace. */
  readonly senderInterface: string;
  readonly senderNamespace?: string;
  /** Where the sink listens and the blaster connects. */
  readonly sinkHost: string;
  readonly launchSink: Launch;
  readonly launchBlaster: Launch;
  startAgent(args: readonly string[]): Promise<ExporterProcess>;
  close(): Promise<void>;
}

export function loopbackLink(): Promise<ReplayLink> {
  return Promise.resolve({
    description: 'loopback lo (MTU 65536)',
    captureInterface: 'lo',
    senderInterface: 'lo',
    sinkHost: '127.0.0.1',
    launchSink: launchHere,
    launchBlaster: launchHere,
    startAgent: (args) => startExporterProcess(args),
    close: () => Promise.resolve(),
  });
}

const SINK_ADDRESS = '10.203.0.1';
const BLASTER_ADDRESS = '10.203.0.2';
/** The scrape link between the host and the sink's namespace: a subnet of its own, unlike the test suites' ones. */
const SCRAPE_SUBNET = `10.203.${250 + (process.pid % 5)}`;
const AGENT_PORT = 9464;

/**
 * The sink and the agent in one network namespace, the blaster in another, joined by a veth pair with
 * MTU 1500; the agent captures on the sink's end and is scraped over a second veth pair to the host.
 * As in test/integration/sniffer-veth.test.ts (which has no ethtool either), a GSO limit of one segment
 * per packet on both ends keeps TSO super-packets off the link: the capture sees MTU-sized packets, as
 * on a network card that segments in hardware.
 */
export async function vethLink(): Promise<ReplayLink> {
  const lab = await NetnsLab.create();
  try {
    const sink = await lab.namespace('sink');
    const blaster = await lab.namespace('blaster');
    const data = await lab.link(sink, [`${SINK_ADDRESS}/24`], blaster, [`${BLASTER_ADDRESS}/24`], { mtu: 1500 });
    await run('ip', ['-n', sink.name, 'link', 'set', 'dev', data.aInterface, 'gso_max_segs', '1']);
    await run('ip', ['-n', blaster.name, 'link', 'set', 'dev', data.bInterface, 'gso_max_segs', '1']);
    await lab.linkToRoot([`${SCRAPE_SUBNET}.1/24`], sink, [`${SCRAPE_SUBNET}.2/24`]);
    return {
      description: `veth pair (MTU 1500, gso_max_segs 1) between network namespaces, captured on ${data.aInterface}`,
      captureInterface: data.aInterface,
      captureNamespace: sink.name,
      senderInterface: data.bInterface,
      senderNamespace: blaster.name,
      sinkHost: SINK_ADDRESS,
      launchSink: (command, args) => sink.spawn(command, args),
      launchBlaster: (command, args) => blaster.spawn(command, args),
      startAgent: (args) => startExporterInNamespace(sink.name, { host: `${SCRAPE_SUBNET}.2`, port: AGENT_PORT }, args),
      close: () => lab.destroy(),
    };
  } catch (error) {
    await lab.destroy();
    throw error;
  }
}
