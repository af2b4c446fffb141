import { Module } from '@nestjs/common';
import { ConfigReferenceChecker } from '../config-model/config-checks';
import { ClustersController } from './clusters.controller';
import { ClustersService } from './clusters.service';

@Module({ controllers: [ClustersController], providers: [ClustersService, ConfigReferenceChecker] })
export class ClustersModule {}
