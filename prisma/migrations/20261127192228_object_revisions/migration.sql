-- AlterTable
ALTER TABLE "api_keys" ADD COLUMN     "revision" INTEGER NOT NULL DEFAULT 1;

-- AlterTable
ALTER TABLE "proxies" ADD COLUMN     "revision" INTEGER NOT NULL DEFAULT 1;

-- AlterTable
ALTER TABLE "vms" ADD COLUMN     "revision" INTEGER NOT NULL DEFAULT 1;

-- AlterTable
ALTER TABLE "webhook_subscriptions" ADD COLUMN     "revision" INTEGER NOT NULL DEFAULT 1;

-- The revision is bumped by PostgreSQL, on every update path alike, when a field the API's users
-- set changes; connection state, heartbeats, container state and a key's last use leave it (and
-- so the object's ETag) alone, as a status change would not stale an edit in progress.
CREATE FUNCTION fleet_bump_revision() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.revision := OLD.revision + 1;
  RETURN NEW;
END
$$;

CREATE TRIGGER proxies_revision BEFORE UPDATE ON "proxies" FOR EACH ROW
  WHEN (OLD.labels IS DISTINCT FROM NEW.labels
     OR OLD.vm_id IS DISTINCT FROM NEW.vm_id
     OR OLD.token_generation IS DISTINCT FROM NEW.token_generation)
  EXECUTE FUNCTION fleet_bump_revision();

CREATE TRIGGER vms_revision BEFORE UPDATE ON "vms" FOR EACH ROW
  WHEN (OLD.name IS DISTINCT FROM NEW.name
     OR OLD.labels IS DISTINCT FROM NEW.labels
     OR OLD.agent_token_generation IS DISTINCT FROM NEW.agent_token_generation)
  EXECUTE FUNCTION fleet_bump_revision();

CREATE TRIGGER webhook_subscriptions_revision BEFORE UPDATE ON "webhook_subscriptions" FOR EACH ROW
  WHEN (OLD.name IS DISTINCT FROM NEW.name
     OR OLD.kind IS DISTINCT FROM NEW.kind
     OR OLD.url IS DISTINCT FROM NEW.url
     OR OLD.event_types IS DISTINCT FROM NEW.event_types
     OR OLD.secret_sealed IS DISTINCT FROM NEW.secret_sealed
     OR OLD.token_sealed IS DISTINCT FROM NEW.token_sealed
     OR OLD.repository IS DISTINCT FROM NEW.repository
     OR OLD.active IS DISTINCT FROM NEW.active)
  EXECUTE FUNCTION fleet_bump_revision();

CREATE TRIGGER api_keys_revision BEFORE UPDATE ON "api_keys" FOR EACH ROW
  WHEN (OLD.name IS DISTINCT FROM NEW.name
     OR OLD.roles IS DISTINCT FROM NEW.roles
     OR OLD.revoked_at IS DISTINCT FROM NEW.revoked_at
     OR OLD.expires_at IS DISTINCT FROM NEW.expires_at)
  EXECUTE FUNCTION fleet_bump_revision();
