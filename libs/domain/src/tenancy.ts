/** Platform admin works across tenants; the others act inside one tenant. */
export const ROLES = ['admin', 'owner', 'editor', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

/** Who is acting: taken from a verified token, never from the request body. */
export interface Principal {
  subject: string;
  tenantId: string;
  roles: Role[];
}

export interface Tenant {
  id: string;
  name: string;
  createdAt: Date;
}

/** Roles allowed to change a tenant's config. */
export const WRITER_ROLES: readonly Role[] = ['admin', 'owner', 'editor'];

export function canWrite(principal: Principal): boolean {
  return principal.roles.some((role) => WRITER_ROLES.includes(role));
}

export function isPlatformAdmin(principal: Principal): boolean {
  return principal.roles.includes('admin');
}
