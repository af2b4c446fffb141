import { IsInt, IsOptional, Max, Min } from 'class-validator';

const MAX_LIMIT = 1_000_000_000;

/**
 * A tenant's own quotas; a quota left out (or null) falls back to the configured default.
 * `requestsPerSecond: 0` means unlimited; an object quota of 0 allows no objects of that kind.
 */
export class TenantQuotasDto {
  @IsOptional() @IsInt() @Min(0) @Max(MAX_LIMIT) proxies?: number | null;
  @IsOptional() @IsInt() @Min(0) @Max(MAX_LIMIT) clusters?: number | null;
  @IsOptional() @IsInt() @Min(0) @Max(MAX_LIMIT) listeners?: number | null;
  @IsOptional() @IsInt() @Min(0) @Max(MAX_LIMIT) routeConfigurations?: number | null;
  @IsOptional() @IsInt() @Min(0) @Max(MAX_LIMIT) secrets?: number | null;
  @IsOptional() @IsInt() @Min(0) @Max(MAX_LIMIT) requestsPerSecond?: number | null;
}
