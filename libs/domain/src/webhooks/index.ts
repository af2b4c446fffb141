export * from './secret-box';
export * from './webhook-events';
export * from './webhook-signature';
