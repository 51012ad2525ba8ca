-- When the current identity secret replaced the previous one: the previous secret
-- verifies member hashes for 24 hours after that, then no longer (issue 10). A channel
-- rotated before this column existed gets 24 hours from the migration, so no site that
-- is mid-switch loses its members' sign-ins at the deploy.
ALTER TABLE channels ADD COLUMN member_hash_secret_rotated_at INTEGER;
UPDATE channels SET member_hash_secret_rotated_at = unixepoch() * 1000 WHERE member_hash_secret_previous IS NOT NULL;
