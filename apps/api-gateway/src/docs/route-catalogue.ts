import { Type } from '@nestjs/common';
import { GUARDS_METADATA, PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import { JwtAuthGuard } from '../auth/guards';

// Nest's RouteParamtypes (not exported from the package root): the key prefix of `@Body()`/`@Query()` args.
const BODY = 3;
const QUERY = 4;
const HEADERS = 6;

/** What the document needs to know about one handler that Nest's explorer cannot see without decorators. */
export interface HandlerFacts {
  /** `<Controller>_<method>`: the operationId Nest's explorer gives it. */
  operationId: string;
  /** The class of its `@Query()` DTO, when it takes one. */
  queryType?: Type<unknown>;
  /** The class of its `@Body()` DTO, when it takes one. */
  bodyType?: Type<unknown>;
  /** Request headers it reads with `@Headers(name)`. */
  headers: string[];
  /** Whether it sits behind the bearer-token guard. */
  authenticated: boolean;
}

/** Every route handler of every controller in the app, keyed by operationId. */
export function catalogueHandlers(modules: ModulesContainer): Map<string, HandlerFacts> {
  const handlers = new Map<string, HandlerFacts>();
  for (const module of modules.values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as Type<unknown> | undefined;
      if (!controller || typeof controller !== 'function') continue;
      for (const facts of handlersOf(controller)) handlers.set(facts.operationId, facts);
    }
  }
  return handlers;
}

function handlersOf(controller: Type<unknown>): HandlerFacts[] {
  const prototype = controller.prototype as Record<string, unknown>;
  const classGuarded = guardedByJwt(controller);
  return Object.getOwnPropertyNames(prototype)
    .filter((name) => name !== 'constructor' && typeof prototype[name] === 'function')
    .filter((name) => Reflect.getMetadata(PATH_METADATA, prototype[name] as object) !== undefined)
    .map((name) => {
      const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, name) ?? {}) as Record<
        string,
        { index: number; data?: unknown }
      >;
      const types = (Reflect.getMetadata('design:paramtypes', prototype, name) ?? []) as unknown[];
      const typeOf = (paramtype: number): Type<unknown> | undefined => {
        const entry = Object.entries(args).find(([key]) => key.split(':')[0] === String(paramtype));
        const type = entry ? types[entry[1].index] : undefined;
        return typeof type === 'function' && type !== Object ? (type as Type<unknown>) : undefined;
      };
      const queryType = typeOf(QUERY);
      const bodyType = typeOf(BODY);
      const headers = Object.entries(args)
        .filter(([key, arg]) => key.split(':')[0] === String(HEADERS) && typeof arg.data === 'string')
        .map(([, arg]) => arg.data as string);
      return {
        operationId: `${controller.name}_${name}`,
        headers,
        authenticated: classGuarded || guardedByJwt(prototype[name] as object),
        ...(queryType ? { queryType } : {}),
        ...(bodyType ? { bodyType } : {}),
      };
    });
}

function guardedByJwt(target: object): boolean {
  const guards = (Reflect.getMetadata(GUARDS_METADATA, target) ?? []) as unknown[];
  return guards.includes(JwtAuthGuard);
}
