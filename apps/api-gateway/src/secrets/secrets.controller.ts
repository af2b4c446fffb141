import { Principal, WRITER_ROLES } from '@envoy-fleet/domain';
import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Authenticated, CurrentPrincipal, Roles } from '../auth/guards';
import { setConfigVersion } from '../config-changes/etag';
import { CreateSecretDto, SecretSpecDto } from './dto/secret.dto';
import { SecretsService, SecretView } from './secrets.service';
import type { Page } from '@envoy-fleet/data-access';
import { ListQueryDto, pageRequestOf } from '../common/list-query.dto';

/** `/v1/secrets`: TLS certificates and validation contexts, by name; keys are write-only. */
@Controller('v1/secrets')
@Authenticated()
export class SecretsController {
  constructor(private readonly secrets: SecretsService) {}

  @Get()
  list(@CurrentPrincipal() principal: Principal, @Query() query: ListQueryDto): Promise<Page<SecretView>> {
    return this.secrets.page(principal, pageRequestOf(query));
  }

  @Get(':name')
  get(@CurrentPrincipal() principal: Principal, @Param('name') name: string): Promise<SecretView> {
    return this.secrets.get(principal, name);
  }

  @Post()
  @Roles(...WRITER_ROLES)
  async create(
    @CurrentPrincipal() principal: Principal,
    @Body() dto: CreateSecretDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SecretView> {
    const { result, version } = await this.secrets.create(principal, toSecret(dto.name, dto));
    setConfigVersion(reply, version);
    return result;
  }

  @Put(':name')
  @Roles(...WRITER_ROLES)
  async replace(
    @CurrentPrincipal() principal: Principal,
    @Param('name') name: string,
    @Body() dto: SecretSpecDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SecretView> {
    const { result, version } = await this.secrets.replace(principal, toSecret(name, dto));
    setConfigVersion(reply, version);
    return result;
  }

  @Delete(':name')
  @Roles(...WRITER_ROLES)
  @HttpCode(204)
  async remove(
    @CurrentPrincipal() principal: Principal,
    @Param('name') name: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    const { version } = await this.secrets.remove(principal, name);
    setConfigVersion(reply, version);
  }
}

function toSecret(name: string, dto: SecretSpecDto) {
  return {
    name,
    type: dto.type,
    certificatePem: dto.certificatePem,
    ...(dto.privateKeyPem !== undefined ? { privateKeyPem: dto.privateKeyPem } : {}),
  };
}
