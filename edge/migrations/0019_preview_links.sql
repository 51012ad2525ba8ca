-- "Try it on my site" links (`POST /admin/v1/campaigns/{id}/preview-link`): the message
-- a draft would show, as the widget reads it, behind a single-use token kept only as its
-- SHA-256. The page the link opens takes the row once (`taken_at`), within 30 minutes.
-- Nothing here is a delivery: a previewed message is never counted.
CREATE TABLE preview_links (
  token_hash TEXT PRIMARY KEY,
  channel_id TEXT NOT NULL,
  campaign_id TEXT NOT NULL,
  popup TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  taken_at INTEGER
);
CREATE INDEX preview_links_by_channel ON preview_links (channel_id, expires_at);

-- A link made while its channel was being deleted is dropped, as every row keyed by a
-- deleted channel is (migration 0013).
CREATE TRIGGER channel_gone_no_preview BEFORE INSERT ON preview_links
WHEN NOT EXISTS (SELECT 1 FROM channels WHERE id = NEW.channel_id)
BEGIN
  SELECT RAISE(IGNORE);
END;
