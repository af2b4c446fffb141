import { IsIn, IsOptional } from 'class-validator';

/** `GET /v1/proxies/:id/bootstrap?client=&mode=&format=`. */
export class BootstrapQueryDto {
  /** `envoy` (default) or `grpc` for proxyless gRPC clients. */
  @IsOptional() @IsIn(['envoy', 'grpc']) client?: 'envoy' | 'grpc';

  /** State of the World (`sotw`, default) or incremental (`delta`) ADS; Envoy only. */
  @IsOptional() @IsIn(['sotw', 'delta']) mode?: 'sotw' | 'delta';

  /** `yaml` (Envoy's default) or `json` (gRPC's only format). */
  @IsOptional() @IsIn(['yaml', 'json']) format?: 'yaml' | 'json';
}
