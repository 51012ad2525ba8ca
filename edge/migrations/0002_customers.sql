-- The customer database: one row per customer (visitor or member) of a channel, typed
-- columns for the built-in fields (shared/src/customer.rs names them), custom profile.*
-- fields in the `profile` JSON object, tags as a JSON array. Times are ms since the epoch.

CREATE TABLE customers (
  channel_id TEXT NOT NULL,
  id TEXT NOT NULL,
  member_id TEXT,
  member INTEGER NOT NULL DEFAULT 0 CHECK (member IN (0, 1)),
  name TEXT,
  tags TEXT NOT NULL DEFAULT '[]' CHECK (json_type(tags) = 'array'),
  city TEXT,
  country TEXT,
  language TEXT,
  created_at INTEGER NOT NULL,
  last_seen_at INTEGER,
  updated_at INTEGER NOT NULL,
  sessions_count INTEGER NOT NULL DEFAULT 0,
  web_browser TEXT,
  web_browser_name TEXT,
  web_os TEXT,
  web_os_name TEXT,
  web_device TEXT,
  web_last_seen_at INTEGER,
  web_sessions_count INTEGER,
  has_push_token INTEGER NOT NULL DEFAULT 0 CHECK (has_push_token IN (0, 1)),
  unsubscribe_email INTEGER NOT NULL DEFAULT 0 CHECK (unsubscribe_email IN (0, 1)),
  unsubscribe_texting INTEGER NOT NULL DEFAULT 0 CHECK (unsubscribe_texting IN (0, 1)),
  profile_name TEXT,
  profile_email TEXT,
  profile_mobile_number TEXT,
  profile_description TEXT,
  profile_last_checkout_completed_at INTEGER,
  profile_referrer TEXT,
  profile_utm_source TEXT,
  profile_utm_medium TEXT,
  profile_utm_campaign TEXT,
  profile_utm_content TEXT,
  profile_utm_term TEXT,
  profile TEXT NOT NULL DEFAULT '{}' CHECK (json_type(profile) = 'object'),
  PRIMARY KEY (channel_id, id)
);

CREATE UNIQUE INDEX customers_by_member ON customers (channel_id, member_id) WHERE member_id IS NOT NULL;
CREATE INDEX customers_by_last_seen ON customers (channel_id, last_seen_at);
CREATE INDEX customers_by_updated ON customers (channel_id, updated_at);
CREATE INDEX customers_by_email ON customers (channel_id, profile_email);
