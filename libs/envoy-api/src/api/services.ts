/** Per-type discovery services (LDS, RDS, CDS, EDS, SDS). */
export * from '../generated/envoy/service/listener/v3/lds';
export * from '../generated/envoy/service/route/v3/rds';
export * from '../generated/envoy/service/cluster/v3/cds';
export * from '../generated/envoy/service/endpoint/v3/eds';
export * from '../generated/envoy/service/secret/v3/sds';
