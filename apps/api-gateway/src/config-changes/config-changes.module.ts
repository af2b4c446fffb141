import { Global, Module } from '@nestjs/common';
import { ConfigChangeService } from './config-change.service';

/** Audited, evented writes; used by every feature. */
@Global()
@Module({ providers: [ConfigChangeService], exports: [ConfigChangeService] })
export class ConfigChangesModule {}
