-- Row-level security (hand-written; Prisma's schema language has no roles or policies).
--
-- fleet_app: the role the services log in as. It is not a superuser and does not bypass RLS, so
--   every query sees only the rows of the tenant named by the transaction-local setting
--   app.tenant_id (set by Database.forTenant).
-- fleet_system: a BYPASSRLS role that fleet_app may SET ROLE to (Database.asSystem) for the few
--   cross-tenant reads: login by email, proxy lookup by node id, the outbox relay.
--
-- Roles are cluster-wide and many databases (one per test run) share them, so they are created
-- only when missing, tolerating a concurrent creator.
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'fleet_system') THEN
    BEGIN
      CREATE ROLE fleet_system NOLOGIN BYPASSRLS;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
    END;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'fleet_app') THEN
    BEGIN
      CREATE ROLE fleet_app LOGIN NOSUPERUSER NOBYPASSRLS;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
    END;
  END IF;
  IF NOT pg_has_role('fleet_app', 'fleet_system', 'MEMBER') THEN
    BEGIN
      GRANT fleet_system TO fleet_app;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
    END;
  END IF;
END
$$;

GRANT USAGE ON SCHEMA public TO fleet_app, fleet_system;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO fleet_app, fleet_system;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO fleet_app, fleet_system;
-- The migration history belongs to whoever migrates, not to the services. (It is absent where
-- Prisma's engine replays migrations into a shadow database.)
DO $$
BEGIN
  IF to_regclass('public._prisma_migrations') IS NOT NULL THEN
    REVOKE ALL ON TABLE "_prisma_migrations" FROM fleet_app, fleet_system;
  END IF;
END
$$;
-- Tables and sequences created by later migrations (run by the same admin role) get the same grants;
-- their RLS policies must still be added by hand.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO fleet_app, fleet_system;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO fleet_app, fleet_system;

-- After a transaction that set it, app.tenant_id reads '' rather than NULL; NULLIF turns both
-- into "no tenant", which matches no row.
ALTER TABLE "tenants" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "tenants" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "tenants"
  USING (id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK (id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY[
    'users', 'api_keys', 'proxies', 'clusters', 'endpoints', 'listeners', 'route_configurations',
    'secrets', 'config_versions', 'proxy_statuses', 'audit_logs', 'outbox_events'
  ]
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format(
      'CREATE POLICY tenant_isolation ON %I '
      'USING (tenant_id = NULLIF(current_setting(''app.tenant_id'', true), '''')::uuid) '
      'WITH CHECK (tenant_id = NULLIF(current_setting(''app.tenant_id'', true), '''')::uuid)',
      t
    );
  END LOOP;
END
$$;
