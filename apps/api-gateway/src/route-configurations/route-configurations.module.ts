import { Module } from '@nestjs/common';
import { ConfigReferenceChecker } from '../config-model/config-checks';
import { RouteConfigurationsController } from './route-configurations.controller';
import { RouteConfigurationsService } from './route-configurations.service';

@Module({
  controllers: [RouteConfigurationsController],
  providers: [RouteConfigurationsService, ConfigReferenceChecker],
})
export class RouteConfigurationsModule {}
