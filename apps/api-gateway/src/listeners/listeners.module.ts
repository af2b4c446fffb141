import { Module } from '@nestjs/common';
import { ConfigReferenceChecker } from '../config-model/config-checks';
import { ListenersController } from './listeners.controller';
import { ListenersService } from './listeners.service';

@Module({ controllers: [ListenersController], providers: [ListenersService, ConfigReferenceChecker] })
export class ListenersModule {}
