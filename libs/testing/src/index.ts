export * from './database';
export * from './xds-clients';
