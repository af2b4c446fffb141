export * from './config-model';
export * from './errors';
export * from './proxy';
export * from './tenancy';
