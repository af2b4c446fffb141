export * from './http-app';
export * from './http-metrics';
export * from './metrics';
export * from './observability.module';
export * from './readiness';
