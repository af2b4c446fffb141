import { HEALTH_STATUSES, HealthStatus, LB_POLICIES, LbPolicy } from '@envoy-fleet/domain';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
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

// Ranges Envoy itself enforces (e.g. a health check's timeout above 0) are checked on the
// rendered cluster against its protos' validate rules (422); these check types and sane sizes.

export class HttpHealthCheckDto {
  @IsString() @Matches(/^\//, { message: 'must start with /' }) @MaxLength(1024) path!: string;
  @IsOptional() @IsString() @MaxLength(253) host?: string;
}

/** An active health check: exactly one of `http` or `tcp` (`{}`, a connect). */
export class HealthCheckDto {
  @IsInt() @Min(0) @Max(3_600_000) timeoutMs!: number;
  @IsInt() @Min(0) @Max(3_600_000) intervalMs!: number;
  @IsOptional() @IsInt() @Min(0) @Max(1000) unhealthyThreshold?: number;
  @IsOptional() @IsInt() @Min(0) @Max(1000) healthyThreshold?: number;
  @IsOptional() @ValidateNested() @Type(() => HttpHealthCheckDto) http?: HttpHealthCheckDto;
  @IsOptional() @IsObject() tcp?: Record<string, never>;
}

export class CircuitBreakersDto {
  @IsOptional() @IsInt() @Min(0) @Max(1_000_000_000) maxConnections?: number;
  @IsOptional() @IsInt() @Min(0) @Max(1_000_000_000) maxPendingRequests?: number;
  @IsOptional() @IsInt() @Min(0) @Max(1_000_000_000) maxRequests?: number;
  @IsOptional() @IsInt() @Min(0) @Max(1_000_000_000) maxRetries?: number;
}

export class OutlierDetectionDto {
  @IsOptional() @IsInt() @Min(0) @Max(1000) consecutive5xx?: number;
  @IsOptional() @IsInt() @Min(0) @Max(3_600_000) intervalMs?: number;
  @IsOptional() @IsInt() @Min(0) @Max(3_600_000) baseEjectionTimeMs?: number;
  @IsOptional() @IsInt() @Min(0) @Max(100) maxEjectionPercent?: number;
}

/** TLS to the upstreams: secrets by name, delivered to proxies over SDS. */
export class UpstreamTlsDto {
  @IsOptional() @IsString() @MaxLength(255) sni?: string;
  @IsOptional() @IsString() @Matches(NAME_PATTERN, { message: NAME_RULE }) certificateSecret?: string;
  @IsOptional() @IsString() @Matches(NAME_PATTERN, { message: NAME_RULE }) validationSecret?: string;
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

  @IsOptional()
  @ValidateNested({ each: true })
  @ArrayMaxSize(8)
  @Type(() => HealthCheckDto)
  @IsArray()
  healthChecks?: HealthCheckDto[];

  @IsOptional() @ValidateNested() @Type(() => CircuitBreakersDto) circuitBreakers?: CircuitBreakersDto;

  @IsOptional() @ValidateNested() @Type(() => OutlierDetectionDto) outlierDetection?: OutlierDetectionDto;

  @IsOptional() @ValidateNested() @Type(() => UpstreamTlsDto) tls?: UpstreamTlsDto;
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
