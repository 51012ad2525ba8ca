-- Issue 10: a new channel starts with identity verification on, so naming a memberId is
-- not enough to sign in as that member until an owner decides otherwise
-- (`PUT /admin/v1/channels/{channel}/identity-verification`, which also makes the secret;
-- until then every memberId is refused). SQLite cannot change a column's default in
-- place, and rebuilding `channels` would delete every row that references it (DROP TABLE
-- runs its ON DELETE CASCADE actions), so the default is applied by this trigger: every
-- inserted channel gets verification on. Existing channels keep their setting.
CREATE TRIGGER channels_verify_identity_by_default AFTER INSERT ON channels
BEGIN
  UPDATE channels SET identity_verification = 1 WHERE id = NEW.id;
END;
