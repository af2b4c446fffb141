import { Module } from '@nestjs/common';
import { AuditController } from './audit.controller';

/** The tenant's audit log API. */
@Module({ controllers: [AuditController] })
export class AuditModule {}
