import { Injectable } from '@nestjs/common';
import type { Cluster, Endpoint } from '@envoy-fleet/domain';
import type { TenantQuery, Tx } from '../database';
import { found, uniqueAs } from '../errors';
import type { Prisma } from '../generated/prisma/client';
import { toCluster } from '../mappers';
import { lockRevision, type Revisioned } from '../revision';

const KIND = 'cluster';

// Endpoints come back in a fixed order so identical config renders identical xDS resources.
const endpointOrder = [{ priority: 'asc' }, { address: 'asc' }, { port: 'asc' }] as const;
const withEndpoints = { endpoints: { orderBy: [...endpointOrder] } };

function endpointRows(tenantId: string, clusterId: string, endpoints: Endpoint[]) {
  return endpoints.map((e) => ({ tenantId, clusterId, ...endpointFields(e) }));
}

function endpointFields(e: Endpoint) {
  return {
    address: e.address,
    port: e.port,
    weight: e.weight,
    priority: e.priority,
    region: e.locality.region,
    zone: e.locality.zone,
    subZone: e.locality.subZone,
    healthStatus: e.healthStatus,
  };
}

// Health checks, circuit breakers, outlier detection and TLS are stored whole as jsonb: they are
// always read and written with their cluster, and only the xDS renderer looks inside.
function settings(cluster: Cluster): Prisma.InputJsonValue {
  const { healthChecks, circuitBreakers, outlierDetection, tls } = cluster;
  return JSON.parse(
    JSON.stringify({ healthChecks, circuitBreakers, outlierDetection, tls }),
  ) as Prisma.InputJsonValue;
}

// A cluster's endpoints as toCluster takes them, from a relation `e` of endpoint rows.
const ENDPOINTS_JSON = `
  coalesce(json_agg(json_build_object(
    'address', e.address, 'port', e.port, 'weight', e.weight, 'priority', e.priority,
    'region', e.region, 'zone', e.zone, 'subZone', e.sub_zone,
    'healthStatus', e.health_status) ORDER BY e.priority, e.address, e.port), '[]'::json)`;

// A cluster row `c` as toCluster takes it, but for its endpoints.
const CLUSTER_COLUMNS = `
  c.name, c.lb_policy AS "lbPolicy", c.connect_timeout_ms AS "connectTimeoutMs", c.http2, c.settings, c.revision`;

// One statement for a cluster and its endpoints, in the shape toCluster takes.
const READ_ONE = `
  SELECT ${CLUSTER_COLUMNS},
         (SELECT ${ENDPOINTS_JSON} FROM endpoints e WHERE e.cluster_id = c.id) AS endpoints
    FROM clusters c
   WHERE c.tenant_id = $1::uuid AND c.name = $2`;

// Inserts a cluster ($1-$6) and its endpoints ($7, a JSON array of endpointRows without ids) and
// answers as READ_ONE does.
const CREATE_ONE = `
  WITH c AS (
    INSERT INTO clusters (tenant_id, name, lb_policy, connect_timeout_ms, http2, settings, updated_at)
    VALUES ($1::uuid, $2, $3::lb_policy, $4, $5, $6::jsonb, now())
    RETURNING *),
  e AS (
    INSERT INTO endpoints
      (cluster_id, tenant_id, address, port, weight, priority, region, zone, sub_zone, health_status)
    SELECT c.id, c.tenant_id, r.address, r.port, r.weight, r.priority, r.region, r.zone, r."subZone",
           r."healthStatus"::health_status
      FROM c, jsonb_to_recordset($7::jsonb) AS r(address text, port int, weight int, priority int,
             region text, zone text, "subZone" text, "healthStatus" text)
    RETURNING *)
  SELECT ${CLUSTER_COLUMNS}, (SELECT ${ENDPOINTS_JSON} FROM e) AS endpoints FROM c`;

/** The statements of `read` and `create`, for the benchmark's bare baseline to make the same calls. */
export const CLUSTER_STATEMENTS = { readOne: READ_ONE, createOne: CREATE_ONE } as const;

/** Clusters and their endpoints, one tenant at a time. */
@Injectable()
export class ClusterRepository {
  /**
   * Creates a cluster with its endpoints and reads it back, in one statement (it runs under the
   * tenant's write lock, so each round trip saved is one the tenant's next write does not wait
   * for); ALREADY_EXISTS when the name is taken.
   */
  async create(tx: Tx, tenantId: string, cluster: Cluster): Promise<Revisioned<Cluster>> {
    const rows = await uniqueAs(KIND, cluster.name, () =>
      tx.$queryRawUnsafe<Parameters<typeof toCluster>[0][]>(
        CREATE_ONE,
        tenantId,
        cluster.name,
        cluster.lbPolicy,
        cluster.connectTimeoutMs,
        cluster.http2,
        JSON.stringify(settings(cluster)),
        JSON.stringify(cluster.endpoints.map(endpointFields)),
      ),
    );
    return toCluster(found(KIND, cluster.name, rows[0] ?? null));
  }

  /** The named cluster with its endpoints; NOT_FOUND when absent. */
  async get(tx: Tx, tenantId: string, name: string): Promise<Revisioned<Cluster>> {
    const row = await tx.cluster.findUnique({
      where: { tenantId_name: { tenantId, name } },
      include: withEndpoints,
    });
    return toCluster(found(KIND, name, row));
  }

  /** As `get`, in one statement on Database.readAsTenant's path. */
  async read(query: TenantQuery, tenantId: string, name: string): Promise<Revisioned<Cluster>> {
    const [row] = await query<Parameters<typeof toCluster>[0]>(READ_ONE, [tenantId, name]);
    return toCluster(found(KIND, name, row ?? null));
  }

  /** Every cluster of the tenant, by name. */
  async list(tx: Tx, tenantId: string): Promise<Revisioned<Cluster>[]> {
    const rows = await tx.cluster.findMany({
      where: { tenantId },
      include: withEndpoints,
      orderBy: { name: 'asc' },
    });
    return rows.map(toCluster);
  }

  /**
   * Replaces the cluster's settings and endpoints and bumps its revision. With `expectedRevision`
   * (from an If-Match ETag), FAILED_PRECONDITION when the stored one differs.
   */
  async update(
    tx: Tx,
    tenantId: string,
    cluster: Cluster,
    expectedRevision?: number,
  ): Promise<Revisioned<Cluster>> {
    const current = await lockRevision(tx, 'clusters', KIND, tenantId, cluster.name, expectedRevision);
    await tx.cluster.update({
      where: { id: current.id },
      data: {
        lbPolicy: cluster.lbPolicy,
        connectTimeoutMs: cluster.connectTimeoutMs,
        http2: cluster.http2,
        settings: settings(cluster),
        revision: current.revision + 1,
      },
    });
    await this.writeEndpoints(tx, tenantId, current.id, cluster.endpoints);
    return this.get(tx, tenantId, cluster.name);
  }

  /** Replaces only the endpoints (the fast path for discovery updates) and bumps the revision. */
  async replaceEndpoints(
    tx: Tx,
    tenantId: string,
    name: string,
    endpoints: Endpoint[],
  ): Promise<Revisioned<Cluster>> {
    const current = await lockRevision(tx, 'clusters', KIND, tenantId, name, undefined);
    await tx.cluster.update({ where: { id: current.id }, data: { revision: { increment: 1 } } });
    await this.writeEndpoints(tx, tenantId, current.id, endpoints);
    return this.get(tx, tenantId, name);
  }

  /** Deletes the cluster (its endpoints go with it) and returns what was deleted. */
  async delete(
    tx: Tx,
    tenantId: string,
    name: string,
    expectedRevision?: number,
  ): Promise<Revisioned<Cluster>> {
    const current = await lockRevision(tx, 'clusters', KIND, tenantId, name, expectedRevision);
    const before = await this.get(tx, tenantId, name);
    await tx.cluster.delete({ where: { id: current.id } });
    return before;
  }

  private async writeEndpoints(
    tx: Tx,
    tenantId: string,
    clusterId: string,
    endpoints: Endpoint[],
  ): Promise<void> {
    await tx.endpoint.deleteMany({ where: { clusterId } });
    await tx.endpoint.createMany({ data: endpointRows(tenantId, clusterId, endpoints) });
  }
}
