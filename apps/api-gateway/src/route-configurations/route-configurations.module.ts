import { Module } from '@nestjs/common';
import { RouteConfigurationsController } from './route-configurations.controller';
import { RouteConfigurationsService } from './route-configurations.service';

@Module({ controllers: [RouteConfigurationsController], providers: [RouteConfigurationsService] })
export class RouteConfigurationsModule {}
