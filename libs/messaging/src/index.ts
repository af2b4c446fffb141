export * from './event-bus';
export * from './events';
export * from './jetstream-event-bus';
export * from './messaging.module';
export * from './outbox-relay';
export * from './outbox-relay.service';
export * from './subject-handler';
export * from './subjects';
