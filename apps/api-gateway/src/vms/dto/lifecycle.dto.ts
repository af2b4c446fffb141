import { PROXY_LIFECYCLE_STATES, type ProxyLifecycleState } from '@envoy-fleet/domain';
import { IsIn, IsInt, IsOptional, IsString, MaxLength, Min } from 'class-validator';

/** `POST /v1/agent/proxies/:id/lifecycle`: where the agent's container for the proxy stands. */
export class ReportLifecycleDto {
  @IsIn(PROXY_LIFECYCLE_STATES) state!: ProxyLifecycleState;
  @IsOptional() @IsString() @MaxLength(1000) detail?: string;
  @IsInt() @Min(0) restartCount!: number;
}
