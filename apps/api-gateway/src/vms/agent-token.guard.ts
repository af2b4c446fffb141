import { Database, FleetKeyRepository, proxyTokenKey, VmRepository } from '@envoy-fleet/data-access';
import { AgentTokenClaims, DomainError, verifyAgentToken } from '@envoy-fleet/domain';
import { CanActivate, createParamDecorator, ExecutionContext, Injectable } from '@nestjs/common';
import { ApiConfig } from '../api-config';

interface AgentRequest {
  headers: Record<string, string | string[] | undefined>;
  agent?: AgentTokenClaims;
}

/**
 * Lets in node-agents by their agent token (`Authorization: Bearer fat....`): valid signature, the
 * VM still exists, and no newer token was issued since. Agent tokens are signed with the same key
 * as proxy tokens; their own prefix keeps one from passing as the other.
 */
@Injectable()
export class AgentTokenGuard implements CanActivate {
  private key?: Promise<string>;

  constructor(
    private readonly config: ApiConfig,
    private readonly db: Database,
    private readonly keys: FleetKeyRepository,
    private readonly vms: VmRepository,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AgentRequest>();
    const header = request.headers['authorization'];
    const token = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header.trim())?.[1] : undefined;
    if (!token)
      throw new DomainError('UNAUTHENTICATED', 'an agent token is required (Authorization: Bearer)');
    this.key ??= proxyTokenKey(this.db, this.keys, this.config.PROXY_TOKEN_SECRET);
    const claims = verifyAgentToken(token, await this.key);
    if (!claims) throw new DomainError('UNAUTHENTICATED', 'the agent token is not valid');
    const vm = await this.db
      .forTenant(claims.tenantId, (tx) => this.vms.get(tx, claims.tenantId, claims.vmId))
      .catch(() => null);
    if (!vm) throw new DomainError('UNAUTHENTICATED', 'the agent token is for a VM that no longer exists');
    if (vm.agentTokenGeneration !== claims.generation) {
      throw new DomainError('UNAUTHENTICATED', 'the agent token was revoked by a newer one');
    }
    request.agent = claims;
    return true;
  }
}

/** The verified agent of the request (after AgentTokenGuard). */
export const CurrentAgent = createParamDecorator(
  (_: unknown, context: ExecutionContext): AgentTokenClaims =>
    context.switchToHttp().getRequest<Required<AgentRequest>>().agent,
);
