import { Module } from '@nestjs/common';
import { ConfigReferenceChecker } from '../config-model/config-checks';
import { SecretSealer } from './secret-sealer';
import { SecretsController } from './secrets.controller';
import { SecretsService } from './secrets.service';

@Module({
  controllers: [SecretsController],
  providers: [SecretsService, SecretSealer, ConfigReferenceChecker],
})
export class SecretsModule {}
