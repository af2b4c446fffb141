import { HEALTH_STATUSES, HealthStatus, LB_POLICIES, LbPolicy } from '@envoy-fleet/domain';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { NAME_PATTERN, NAME_RULE } from '../../common/names';

export class LocalityDto {
  @IsOptional() @IsString() @MaxLength(128) region?: string;
  @IsOptional() @IsString() @MaxLength(128) zone?: string;
  @IsOptional() @IsString() @MaxLength(128) subZone?: string;
}

export class EndpointDto {
  /** An IP address or a DNS name of the upstream host. */
  @IsString()
  @Matches(/^[a-zA-Z0-9.:_-]{1,253}$/, { message: 'must be an IP address or host name' })
  address!: string;

  @IsInt() @Min(1) @Max(65535) port!: number;

  @IsOptional() @IsInt() @Min(1) @Max(1_000_000) weight?: number;

  @IsOptional() @IsInt() @Min(0) @Max(127) priority?: number;

  @IsOptional() @ValidateNested() @Type(() => LocalityDto) locality?: LocalityDto;

  @IsOptional() @IsIn(HEALTH_STATUSES) healthStatus?: HealthStatus;
}

/** The replaceable part of a cluster (PUT body). */
export class ClusterSpecDto {
  @IsOptional() @IsIn(LB_POLICIES) lbPolicy?: LbPolicy;

  @IsOptional() @IsInt() @Min(1) @Max(600_000) connectTimeoutMs?: number;

  /** Speak HTTP/2 to the upstream (required for gRPC backends behind Envoy). */
  @IsOptional() @IsBoolean() http2?: boolean;

  @IsOptional()
  @ValidateNested({ each: true })
  @ArrayMaxSize(10_000)
  @Type(() => EndpointDto)
  @IsArray()
  endpoints?: EndpointDto[];
}

export class CreateClusterDto extends ClusterSpecDto {
  @IsString() @Matches(NAME_PATTERN, { message: NAME_RULE }) name!: string;
}

export class ReplaceEndpointsDto {
  @ValidateNested({ each: true })
  @ArrayMaxSize(10_000)
  @Type(() => EndpointDto)
  @IsArray()
  endpoints!: EndpointDto[];
}
