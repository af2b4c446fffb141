import { Injectable } from '@nestjs/common';
import type { Cluster, Endpoint } from '@envoy-fleet/domain';
import type { Tx } from '../database';
import { found, uniqueAs } from '../errors';
import type { Prisma } from '../generated/prisma/client';
import { toCluster } from '../mappers';
import { lockRevision, type Revisioned } from '../revision';

const KIND = 'cluster';

// Endpoints come back in a fixed order so identical config renders identical xDS resources.
const endpointOrder = [{ priority: 'asc' }, { address: 'asc' }, { port: 'asc' }] as const;
const withEndpoints = { endpoints: { orderBy: [...endpointOrder] } };

function endpointRows(tenantId: string, clusterId: string, endpoints: Endpoint[]) {
  return endpoints.map((e) => ({
    tenantId,
    clusterId,
    address: e.address,
    port: e.port,
    weight: e.weight,
    priority: e.priority,
    region: e.locality.region,
    zone: e.locality.zone,
    subZone: e.locality.subZone,
    healthStatus: e.healthStatus,
  }));
}

// Health checks, circuit breakers, outlier detection and TLS are stored whole as jsonb: they are
// always read and written with their cluster, and only the xDS renderer looks inside.
function settings(cluster: Cluster): Prisma.InputJsonValue {
  const { healthChecks, circuitBreakers, outlierDetection, tls } = cluster;
  return JSON.parse(
    JSON.stringify({ healthChecks, circuitBreakers, outlierDetection, tls }),
  ) as Prisma.InputJsonValue;
}

/** Clusters and their endpoints, one tenant at a time. */
@Injectable()
export class ClusterRepository {
  /** Creates a cluster with its endpoints; ALREADY_EXISTS when the name is taken. */
  async create(tx: Tx, tenantId: string, cluster: Cluster): Promise<Revisioned<Cluster>> {
    const row = await uniqueAs(KIND, cluster.name, () =>
      tx.cluster.create({
        data: {
          tenantId,
          name: cluster.name,
          lbPolicy: cluster.lbPolicy,
          connectTimeoutMs: cluster.connectTimeoutMs,
          http2: cluster.http2,
          settings: settings(cluster),
        },
      }),
    );
    await tx.endpoint.createMany({ data: endpointRows(tenantId, row.id, cluster.endpoints) });
    return this.get(tx, tenantId, cluster.name);
  }

  /** The named cluster with its endpoints; NOT_FOUND when absent. */
  async get(tx: Tx, tenantId: string, name: string): Promise<Revisioned<Cluster>> {
    const row = await tx.cluster.findUnique({
      where: { tenantId_name: { tenantId, name } },
      include: withEndpoints,
    });
    return toCluster(found(KIND, name, row));
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
