-- Channels made by accounts, tokens per channel, and the tag's last sighting (issue 11).
-- An API token now belongs to a channel and carries a role there (`channel_id`, `role`);
-- a token without them (made before this migration) stays an account-level credential.
-- `id` is the public name a token is listed and revoked by; `last_used_at` is written at
-- most once a minute.
ALTER TABLE api_tokens ADD COLUMN id TEXT;
ALTER TABLE api_tokens ADD COLUMN channel_id TEXT;
ALTER TABLE api_tokens ADD COLUMN role TEXT CHECK (role IS NULL OR role IN ('owner', 'member'));
ALTER TABLE api_tokens ADD COLUMN last_used_at INTEGER;
CREATE UNIQUE INDEX api_tokens_by_id ON api_tokens (id) WHERE id IS NOT NULL;
CREATE INDEX api_tokens_by_channel ON api_tokens (channel_id, created_at) WHERE channel_id IS NOT NULL;

-- The site the channel's tag is installed on, and where and when a page view was last
-- seen (written by the edge at most once a minute per channel).
ALTER TABLE channels ADD COLUMN site_url TEXT;
ALTER TABLE channels ADD COLUMN tag_last_seen_at INTEGER;
ALTER TABLE channels ADD COLUMN tag_last_seen_url TEXT;

-- A deleted channel stays deleted: a visitor's call already under way (its token is
-- stateless, an isolate may hold the channel for 10 more seconds) cannot write a row of
-- a channel that no longer exists. These are the tables visitors' objects write.
CREATE TRIGGER channel_gone_no_customer BEFORE INSERT ON customers
WHEN NOT EXISTS (SELECT 1 FROM channels WHERE id = NEW.channel_id)
BEGIN
  SELECT RAISE(IGNORE);
END;

CREATE TRIGGER channel_gone_no_month BEFORE INSERT ON customer_months
WHEN NOT EXISTS (SELECT 1 FROM channels WHERE id = NEW.channel_id)
BEGIN
  SELECT RAISE(IGNORE);
END;

CREATE TRIGGER channel_gone_no_delivery BEFORE INSERT ON deliveries
WHEN NOT EXISTS (SELECT 1 FROM channels WHERE id = NEW.channel_id)
BEGIN
  SELECT RAISE(IGNORE);
END;

CREATE TRIGGER channel_gone_no_outbound BEFORE INSERT ON outbound_messages
WHEN NOT EXISTS (SELECT 1 FROM channels WHERE id = NEW.channel_id)
BEGIN
  SELECT RAISE(IGNORE);
END;

CREATE TRIGGER channel_gone_no_wakeup BEFORE INSERT ON visitor_wakeups
WHEN NOT EXISTS (SELECT 1 FROM channels WHERE id = NEW.channel_id)
BEGIN
  SELECT RAISE(IGNORE);
END;
