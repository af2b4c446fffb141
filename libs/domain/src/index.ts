export * from './config-model';
export * from './errors';
export * from './proxy';
export * from './route-rules';
export * from './tenancy';
export * from './proxy-token';
export * from './webhooks';
