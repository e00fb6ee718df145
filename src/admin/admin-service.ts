import type { Admin } from '@platformatic/kafka';
import type { AdminConfig } from '../config/config.ts';
import { ConfigError } from '../config/errors.ts';
import type { Logger } from '../log/logger.ts';
import { ZookeeperSession } from '../zookeeper/zookeeper-session.ts';
import { AclService } from './acls.ts';
import { AdminMetrics } from './admin-metrics.ts';
import { AuditLog } from './audit-log.ts';
import { Authenticator, commonBcryptCost } from './authenticator.ts';
import { ClusterGateway } from './cluster-gateway.ts';
import { ConfigService } from './configs.ts';
import { ConsumerGroupService } from './consumer-groups.ts';
import { FailureLimiter } from './failure-limiter.ts';
import { LogDirService } from './log-dirs.ts';
import { PartitionOffsets } from './partition-offsets.ts';
import { ReassignmentService } from './reassignments.ts';
import { TopicService } from './topics.ts';
import { UserStore } from './user-store.ts';
import { ZookeeperConsumerService } from './zookeeper-consumers.ts';
import { UsersFileError, type AdminUser } from './users-file.ts';

const FAILED_LOGINS_ALLOWED = 5;
const FAILED_LOGIN_WINDOW_MS = 60_000;

export interface AdminServiceOptions {
  readonly config: AdminConfig;
  readonly clusterName: string;
  readonly kafka: Admin;
  readonly logger: Logger;
  /** Where Kafka keeps its znodes, for old consumer groups (ZooKeeper-mode clusters); absent: not managed. */
  readonly zookeeper?: { readonly servers: readonly string[]; readonly chroot: string };
}

/** Everything the admin API acts through: the cluster's services, who may call, and the audit trail. */
export class AdminService {
  readonly topics: TopicService;
  readonly configs: ConfigService;
  readonly groups: ConsumerGroupService;
  readonly offsets: PartitionOffsets;
  readonly logDirs: LogDirService;
  readonly acls: AclService;
  readonly reassignments: ReassignmentService;
  readonly zookeeperGroups: ZookeeperConsumerService;
  readonly audit: AuditLog;
  readonly metrics = new AdminMetrics();
  readonly readOnly: boolean;
  readonly clusterName: string;
  /** Undefined in the insecure no-authentication mode. */
  readonly users: UserStore | undefined;
  readonly authenticator: Authenticator<AdminUser> | undefined;
  readonly failedLogins = new FailureLimiter({ limit: FAILED_LOGINS_ALLOWED, windowMs: FAILED_LOGIN_WINDOW_MS });
  readonly #gateway: ClusterGateway;
  readonly #kafka: Admin;
  #clusterId: string | undefined;

  constructor(options: AdminServiceOptions) {
    const { config, logger } = options;
    this.#kafka = options.kafka;
    this.#gateway = new ClusterGateway(options.kafka, config.timeoutSeconds);
    this.topics = new TopicService(this.#gateway);
    this.configs = new ConfigService(this.#gateway);
    this.offsets = new PartitionOffsets(this.#gateway);
    this.groups = new ConsumerGroupService(this.#gateway, this.offsets);
    this.logDirs = new LogDirService(this.#gateway);
    this.acls = new AclService(this.#gateway);
    this.reassignments = new ReassignmentService(this.#gateway);
    const session =
      options.zookeeper && options.zookeeper.servers.length > 0
        ? new ZookeeperSession(options.zookeeper.servers, options.zookeeper.chroot, Math.max(6000, config.timeoutSeconds * 1000))
        : undefined;
    this.zookeeperGroups = new ZookeeperConsumerService(session, this.offsets, config.timeoutSeconds);
    this.audit = new AuditLog(config.auditFile);
    this.readOnly = config.readOnly;
    this.clusterName = options.clusterName;
    if (config.insecureNoAuth && config.usersFile === '') {
      logger.warn(
        'the admin API runs without authentication (admin.insecure-no-auth): anyone who reaches the listener can change the cluster',
      );
      return;
    }
    try {
      this.users = new UserStore(config.usersFile, logger, (status) => this.metrics.usersReloaded(status));
    } catch (error) {
      if (error instanceof UsersFileError) throw new ConfigError(`admin.users-file: ${config.usersFile}: ${error.message}`);
      throw error;
    }
    this.users.start(config.usersReloadSeconds);
    const users = this.users;
    this.authenticator = new Authenticator(
      (name) => users.directory.users.get(name),
      () => commonBcryptCost([...users.directory.users.values()].map((user) => user.passwordHash)),
    );
  }

  /** The Kafka cluster id, asked once; it never changes. */
  async clusterId(): Promise<string> {
    this.#clusterId ??= (await this.#gateway.brokers()).clusterId;
    return this.#clusterId;
  }

  async brokers(): ReturnType<ClusterGateway['brokers']> {
    const answer = await this.#gateway.brokers();
    this.#clusterId ??= answer.clusterId;
    return answer;
  }

  async close(): Promise<void> {
    this.users?.stop();
    await Promise.all([this.#kafka.close(), this.zookeeperGroups.close()]);
  }
}
