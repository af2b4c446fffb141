import { Module } from '@nestjs/common';
import { GrpcApiServer } from './grpc-api.server';
import { RestRelay } from './rest-relay';

/** The gRPC API (`proto/fleet/v1`): the REST API's core reads and writes, with the same auth and rules. */
@Module({ providers: [RestRelay, GrpcApiServer] })
export class GrpcApiModule {}
