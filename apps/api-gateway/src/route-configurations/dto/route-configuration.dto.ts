import { REDIRECT_CODES, RedirectCode } from '@envoy-fleet/domain';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
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

// Envoy's own limits (value ranges, header syntax) are checked on the rendered resource against
// its protos' validate rules; these DTOs check types, required fields and sane sizes.
const HEADER_NAME = /^:?[0-9a-zA-Z!#$%&'*+\-.^_|~`]{1,256}$/;
const HEADER_NAME_RULE = 'must be an HTTP header name';

/** The value test of a header or query condition: exactly one of exact, prefix, regex or present. */
class ValueMatchDto {
  @IsOptional() @IsString() @MaxLength(1024) exact?: string;
  @IsOptional() @IsString() @MaxLength(1024) prefix?: string;
  @IsOptional() @IsString() @MaxLength(1024) regex?: string;
  @IsOptional() @IsBoolean() present?: boolean;
}

export class QueryParameterMatchDto extends ValueMatchDto {
  @IsString() @MaxLength(256) name!: string;
}

/** One condition on a request header; `invert` negates it. */
export class HeaderMatchDto extends ValueMatchDto {
  @IsString() @Matches(HEADER_NAME, { message: HEADER_NAME_RULE }) name!: string;
  @IsOptional() @IsBoolean() invert?: boolean;
}

export class RouteMatchDto {
  @IsOptional()
  @IsString()
  @Matches(/^\//, { message: 'must start with /' })
  @MaxLength(1024)
  prefix?: string;
  @IsOptional() @IsString() @Matches(/^\//, { message: 'must start with /' }) @MaxLength(1024) path?: string;
  /** RE2, matched against the whole path (without the query string). */
  @IsOptional() @IsString() @MaxLength(1024) regex?: string;

  @IsOptional()
  @ValidateNested({ each: true })
  @ArrayMaxSize(32)
  @Type(() => HeaderMatchDto)
  @IsArray()
  headers?: HeaderMatchDto[];

  @IsOptional()
  @ValidateNested({ each: true })
  @ArrayMaxSize(32)
  @Type(() => QueryParameterMatchDto)
  @IsArray()
  queryParameters?: QueryParameterMatchDto[];

  @IsOptional() @IsBoolean() caseSensitive?: boolean;
}

export class HeaderValueDto {
  @IsString() @Matches(HEADER_NAME, { message: HEADER_NAME_RULE }) name!: string;
  @IsString() @MaxLength(16_384) value!: string;
  /** Add a value to an existing header instead of replacing it. */
  @IsOptional() @IsBoolean() append?: boolean;
}

/** Header changes on the way in (request) and out (response), for a virtual host or a route. */
export class HeaderChangesDto {
  @IsOptional()
  @ValidateNested({ each: true })
  @ArrayMaxSize(100)
  @Type(() => HeaderValueDto)
  @IsArray()
  requestHeadersToAdd?: HeaderValueDto[];

  @IsOptional()
  @Matches(HEADER_NAME, { each: true, message: HEADER_NAME_RULE })
  @IsString({ each: true })
  @ArrayMaxSize(100)
  @IsArray()
  requestHeadersToRemove?: string[];

  @IsOptional()
  @ValidateNested({ each: true })
  @ArrayMaxSize(100)
  @Type(() => HeaderValueDto)
  @IsArray()
  responseHeadersToAdd?: HeaderValueDto[];

  @IsOptional()
  @Matches(HEADER_NAME, { each: true, message: HEADER_NAME_RULE })
  @IsString({ each: true })
  @ArrayMaxSize(100)
  @IsArray()
  responseHeadersToRemove?: string[];
}

export class RetryPolicyDto {
  /** Envoy's retry conditions, comma-separated: `5xx`, `gateway-error`, `connect-failure`, `reset`... */
  @IsString()
  @Matches(/^[a-z0-9-]+(,[a-z0-9-]+)*$/, { message: 'must be comma-separated retry conditions' })
  retryOn!: string;
  @IsOptional() @IsInt() @Min(0) @Max(100) numRetries?: number;
  @IsOptional() @IsInt() @Min(0) @Max(3_600_000) perTryTimeoutMs?: number;
}

export class RegexRewriteDto {
  @IsString() @MaxLength(1024) pattern!: string;
  @IsString() @MaxLength(1024) substitution!: string;
}

export class RedirectDto {
  @IsOptional() @IsIn(['http', 'https']) scheme?: string;
  @IsOptional() @IsString() @MaxLength(253) host?: string;
  @IsOptional() @IsInt() @Min(1) @Max(65535) port?: number;
  @IsOptional() @IsString() @Matches(/^\//, { message: 'must start with /' }) @MaxLength(1024) path?: string;
  @IsOptional() @IsString() @MaxLength(1024) prefixRewrite?: string;
  @IsOptional() @IsBoolean() stripQuery?: boolean;
  @IsOptional() @IsIn(REDIRECT_CODES) responseCode?: RedirectCode;
}

export class DirectResponseDto {
  /** Envoy accepts 200-599 (checked against its validate rules). */
  @IsInt() status!: number;
  @IsOptional() @IsString() @MaxLength(4096) body?: string;
}

export class WeightedClusterDto {
  @IsString() @Matches(NAME_PATTERN, { message: NAME_RULE }) cluster!: string;
  /** 0 drains a cluster while keeping it in the route; the route's weights must not all be 0. */
  @IsInt() @Min(0) @Max(1_000_000) weight!: number;
}

export class RouteActionDto {
  @IsOptional() @IsString() @Matches(NAME_PATTERN, { message: NAME_RULE }) cluster?: string;

  @IsOptional()
  @ValidateNested({ each: true })
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @Type(() => WeightedClusterDto)
  @IsArray()
  weightedClusters?: WeightedClusterDto[];

  @IsOptional() @IsInt() @Min(0) @Max(3_600_000) timeoutMs?: number;

  @IsOptional() @ValidateNested() @Type(() => RetryPolicyDto) retryPolicy?: RetryPolicyDto;

  @IsOptional() @IsString() @MaxLength(1024) prefixRewrite?: string;

  @IsOptional() @ValidateNested() @Type(() => RegexRewriteDto) regexRewrite?: RegexRewriteDto;
}

/** One route: a match and exactly one of action (forward), redirect or directResponse. */
export class RouteDto extends HeaderChangesDto {
  @IsOptional() @IsString() @MaxLength(128) name?: string;
  @ValidateNested() @Type(() => RouteMatchDto) match!: RouteMatchDto;
  @IsOptional() @ValidateNested() @Type(() => RouteActionDto) action?: RouteActionDto;
  @IsOptional() @ValidateNested() @Type(() => RedirectDto) redirect?: RedirectDto;
  @IsOptional() @ValidateNested() @Type(() => DirectResponseDto) directResponse?: DirectResponseDto;
}

export class VirtualHostDto extends HeaderChangesDto {
  @IsString() @Matches(NAME_PATTERN, { message: NAME_RULE }) name!: string;

  @IsString({ each: true })
  @MaxLength(253, { each: true })
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @IsArray()
  domains!: string[];

  @ValidateNested({ each: true })
  @ArrayMaxSize(1000)
  @Type(() => RouteDto)
  @IsArray()
  routes!: RouteDto[];
}

/** The replaceable part of a route configuration (PUT body). */
export class RouteConfigurationSpecDto {
  @ValidateNested({ each: true })
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @Type(() => VirtualHostDto)
  @IsArray()
  virtualHosts!: VirtualHostDto[];
}

export class CreateRouteConfigurationDto extends RouteConfigurationSpecDto {
  @IsString() @Matches(NAME_PATTERN, { message: NAME_RULE }) name!: string;
}
