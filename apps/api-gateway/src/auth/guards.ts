import { DomainError, Principal, Role } from '@envoy-fleet/domain';
import {
  applyDecorators,
  CanActivate,
  createParamDecorator,
  ExecutionContext,
  Injectable,
  SetMetadata,
  UseGuards,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { IncomingHttpHeaders } from 'node:http';
import { authenticateRequest } from './request-credentials';

export const ROLES_KEY = 'fleet:roles';

/**
 * Requires a valid bearer token or API key (see `credentialOf`) and puts its Principal on
 * `request.user`; failures are 401 problems. Synchronous for a token and for a key verified
 * moments ago (JwtStrategy and ApiKeyVerifier remember them, so a known caller costs a map
 * lookup); only a key not seen lately waits for its look-up.
 */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const request = context.switchToHttp().getRequest<{ headers: IncomingHttpHeaders; user?: Principal }>();
    const principal = authenticateRequest(request.headers);
    if (!(principal instanceof Promise)) {
      request.user = principal;
      return true;
    }
    return principal.then((verified) => {
      request.user = verified;
      return true;
    });
  }
}

/** Requires one of the route's roles (set with `@Roles(...)`). */
@Injectable()
export class RolesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const allowed = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!allowed || allowed.length === 0) return true;
    const principal = context.switchToHttp().getRequest<{ user: Principal }>().user;
    if (principal.roles.some((role) => allowed.includes(role))) return true;
    throw new DomainError('PERMISSION_DENIED', `requires one of the roles: ${allowed.join(', ')}`);
  }
}

/** A controller (or route) that needs a valid token or API key; `@Roles` narrows who may call a route. */
export function Authenticated() {
  return applyDecorators(UseGuards(JwtAuthGuard, RolesGuard));
}

/** The roles allowed to call a route (or every route of a controller). */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

/** The verified caller of the request. */
export const CurrentPrincipal = createParamDecorator(
  (_: unknown, context: ExecutionContext): Principal =>
    context.switchToHttp().getRequest<{ user: Principal }>().user,
);
