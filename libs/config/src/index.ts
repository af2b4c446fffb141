export * from './common-config';
export * from './config.module';
export * from './data-dir-lock';
export * from './load-config';
export * from './redact-url';
