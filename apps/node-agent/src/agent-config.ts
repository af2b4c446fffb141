import { CommonConfig } from '@envoy-fleet/config';
import { IsInt, IsNotEmpty, IsString, IsUrl, Matches, Max, Min } from 'class-validator';

/** node-agent settings, from the environment. Empty strings mean "not set". */
export class AgentConfig extends CommonConfig {
  override HTTP_PORT = 3004;

  /** The control plane's API, which the agent registers with. */
  @IsUrl({ require_tld: false })
  API_URL = 'http://127.0.0.1:3000';

  /** The VM's agent token (`POST /v1/vms/:id/agent-token`). Empty: the agent supervises nothing. */
  @IsString()
  AGENT_TOKEN = '';

  /** The Docker Engine API, e.g. `unix:///run/podman/podman.sock`; required with AGENT_TOKEN. */
  @IsString()
  @Matches(/^(unix:\/\/\/.+|tcp:\/\/[^/]+:\d+)?$/, {
    message: 'must be unix:///<path> or tcp://<host>:<port>',
  })
  DOCKER_HOST = '';

  /** NATS with JetStream for pushed assignment changes; empty: only the periodic resync. */
  @IsString()
  NATS_URL = '';

  /** Where the agent keeps its cache (assignments, bootstraps) for running without the control plane. */
  @IsString()
  @IsNotEmpty()
  AGENT_STATE_DIR = '/var/lib/envoy-fleet-agent';

  /** The proxy image; used when present locally, else pulled. */
  @IsString()
  @IsNotEmpty()
  PROXY_IMAGE = 'docker.io/envoyproxy/envoy:v1.31-latest';

  /**
   * The command the container runs, space-separated; empty: the image's own. For Envoy's images:
   * `envoy -c /etc/envoy/envoy.json --drain-time-s 5` (the bootstrap is mounted there).
   */
  @IsString()
  PROXY_COMMAND = '';

  /** Each proxy gets an admin port from here up (its listener uses the next one); host networking. */
  @IsInt()
  @Min(1024)
  @Max(65000)
  ADMIN_PORT_BASE = 19900;

  /** How long a draining proxy keeps serving before it is stopped. */
  @IsInt()
  @Min(0)
  DRAIN_TIME_MS = 5000;

  /** Seconds the engine waits after SIGTERM before SIGKILL. */
  @IsInt()
  @Min(0)
  STOP_GRACE_SECONDS = 10;

  /** Memory limit of each proxy container, bytes (0: none). */
  @IsInt()
  @Min(0)
  PROXY_MEMORY_BYTES = 512 * 1024 * 1024;

  /** CPU limit of each proxy container, in thousandths of a CPU (0: none). */
  @IsInt()
  @Min(0)
  PROXY_MILLICPUS = 1000;

  @IsInt()
  @Min(100)
  HEARTBEAT_INTERVAL_MS = 10_000;

  /** Full resync of the assignments over HTTP, beside the pushes through NATS. */
  @IsInt()
  @Min(100)
  RESYNC_INTERVAL_MS = 30_000;

  /** How often the agent keeps what each proxy has accepted (its admin `/config_dump`) in the cache. */
  @IsInt()
  @Min(100)
  CONFIG_CAPTURE_INTERVAL_MS = 30_000;

  /** How often containers are inspected, beside the engine's `die` events. */
  @IsInt()
  @Min(100)
  POLL_INTERVAL_MS = 5000;
}
