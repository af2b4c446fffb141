import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsInt,
  IsIP,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { NAME_PATTERN, NAME_RULE } from '../../common/names';

/** TLS from clients: the certificate served, and optionally the CA client certificates must chain to. */
export class DownstreamTlsDto {
  @IsString() @Matches(NAME_PATTERN, { message: NAME_RULE }) certificateSecret!: string;
  @IsOptional() @IsString() @Matches(NAME_PATTERN, { message: NAME_RULE }) validationSecret?: string;
}

/** One upstream of a TCP proxy and its share of new connections. */
export class TcpWeightedClusterDto {
  @IsString() @Matches(NAME_PATTERN, { message: NAME_RULE }) cluster!: string;
  /** Envoy's TCP proxy takes no 0 weights (unlike a route's weighted clusters). */
  @IsInt() @Min(1) @Max(1_000_000) weight!: number;
}

/** Plain TCP forwarding to `cluster` or split over `weightedClusters` (exactly one). */
export class TcpProxyDto {
  @IsOptional() @IsString() @Matches(NAME_PATTERN, { message: NAME_RULE }) cluster?: string;

  @IsOptional()
  @ValidateNested({ each: true })
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @Type(() => TcpWeightedClusterDto)
  @IsArray()
  weightedClusters?: TcpWeightedClusterDto[];

  /** Prefix of the proxy's stats (`tcp.<statPrefix>.*`); defaults to the listener's name. */
  @IsOptional()
  @IsString()
  @Matches(/^[a-zA-Z0-9_.-]{1,128}$/, { message: 'must be 1-128 letters, digits, _ . or -' })
  statPrefix?: string;

  /** Closes a connection idle this long; 0 never does; unset keeps Envoy's 1 h. */
  @IsOptional() @IsInt() @Min(0) @Max(604_800_000) idleTimeoutMs?: number;
}

/**
 * One filter chain: chosen by SNI server names (none: any), then exactly one of an HTTP
 * connection manager using `routeConfigName` or a `tcpProxy`.
 */
export class FilterChainDto {
  @IsOptional()
  @Matches(/^(\*\.)?[a-zA-Z0-9]([a-zA-Z0-9.-]{0,251}[a-zA-Z0-9])?$/, {
    each: true,
    message: 'each must be a host name, optionally starting with *.',
  })
  @IsString({ each: true })
  @ArrayMaxSize(100)
  @IsArray()
  serverNames?: string[];

  @IsOptional() @ValidateNested() @Type(() => DownstreamTlsDto) tls?: DownstreamTlsDto;

  @IsOptional()
  @IsString()
  @Matches(NAME_PATTERN, { message: NAME_RULE })
  @MaxLength(128)
  routeConfigName?: string;

  @IsOptional() @ValidateNested() @Type(() => TcpProxyDto) tcpProxy?: TcpProxyDto;
}

/**
 * The replaceable part of a listener (PUT body). Without `port` it is an API listener for
 * proxyless gRPC. `routeConfigName` alone is one plain HTTP chain; `filterChains` says each one
 * (HTTP or TCP).
 */
export class ListenerSpecDto {
  @IsOptional() @IsIP() address?: string;

  @IsOptional() @IsInt() @Min(1) @Max(65535) port?: number;

  /** The route configuration this listener's HTTP connection manager uses. */
  @IsOptional() @IsString() @Matches(NAME_PATTERN, { message: NAME_RULE }) routeConfigName?: string;

  @IsOptional()
  @ValidateNested({ each: true })
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @Type(() => FilterChainDto)
  @IsArray()
  filterChains?: FilterChainDto[];
}

export class CreateListenerDto extends ListenerSpecDto {
  @IsString() @Matches(NAME_PATTERN, { message: NAME_RULE }) name!: string;
}
