-- Kizuna's D1 schema, version 1: channels, members and tokens, campaigns, deliveries
-- and their daily counters. Times are ms since the epoch; days are 'YYYY-MM-DD' in the
-- channel's clock.

CREATE TABLE channels (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  utc_offset_minutes INTEGER NOT NULL DEFAULT 0 CHECK (utc_offset_minutes BETWEEN -720 AND 840),
  created_at INTEGER NOT NULL
);

CREATE TABLE members (
  id TEXT PRIMARY KEY,
  email TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  created_at INTEGER NOT NULL
);

CREATE TABLE channel_members (
  channel_id TEXT NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
  member_id TEXT NOT NULL REFERENCES members(id) ON DELETE CASCADE,
  role TEXT NOT NULL CHECK (role IN ('owner', 'member')),
  PRIMARY KEY (channel_id, member_id)
);

-- Only the SHA-256 of a token is stored; the token itself is shown once.
CREATE TABLE api_tokens (
  token_hash TEXT PRIMARY KEY,
  member_id TEXT NOT NULL REFERENCES members(id) ON DELETE CASCADE,
  label TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  revoked_at INTEGER
);

-- definition: the campaign document (CampaignDocV1 JSON), validated before it is written.
CREATE TABLE campaigns (
  id TEXT PRIMARY KEY,
  channel_id TEXT NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('draft', 'scheduled', 'running', 'paused', 'ended')),
  priority INTEGER NOT NULL DEFAULT 0,
  definition TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX campaigns_by_channel_state ON campaigns (channel_id, state, priority);

CREATE TABLE deliveries (
  id TEXT PRIMARY KEY,
  channel_id TEXT NOT NULL,
  campaign_id TEXT NOT NULL,
  visitor_id TEXT NOT NULL,
  display TEXT NOT NULL CHECK (display IN ('bubble', 'fullscreen')),
  sent_at INTEGER NOT NULL,
  view_at INTEGER,
  click_at INTEGER,
  goal_at INTEGER
);
CREATE INDEX deliveries_by_visitor ON deliveries (channel_id, visitor_id, campaign_id);
CREATE INDEX deliveries_by_campaign ON deliveries (campaign_id, sent_at);

CREATE TABLE campaign_daily_stats (
  campaign_id TEXT NOT NULL,
  day TEXT NOT NULL,
  sent INTEGER NOT NULL DEFAULT 0,
  view INTEGER NOT NULL DEFAULT 0,
  click INTEGER NOT NULL DEFAULT 0,
  goal INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (campaign_id, day)
);
