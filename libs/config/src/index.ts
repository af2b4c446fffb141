export * from './common-config';
export * from './config.module';
export * from './load-config';
