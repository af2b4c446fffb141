import { Module } from '@nestjs/common';
import { ListenersController } from './listeners.controller';
import { ListenersService } from './listeners.service';

@Module({ controllers: [ListenersController], providers: [ListenersService] })
export class ListenersModule {}
