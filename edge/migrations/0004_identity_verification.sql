-- Identity verification per channel: when on, the widget's memberId needs a memberHash
-- (hex HMAC-SHA256 of the member id under the secret). The previous secret stays valid
-- after a rotation.
ALTER TABLE channels ADD COLUMN identity_verification INTEGER NOT NULL DEFAULT 0 CHECK (identity_verification IN (0, 1));
ALTER TABLE channels ADD COLUMN member_hash_secret TEXT;
ALTER TABLE channels ADD COLUMN member_hash_secret_previous TEXT;
