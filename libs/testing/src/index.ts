export * from './database';
export * from './xds-clients';
export * from './xds-raw-streams';
export * from './http-receiver';
export * from './self-signed';
export * from './free-port';
