-- Invitations, password resets, email changes and the development outbox (issue 11).
-- Every emailed link's token is stored only as its SHA-256; a link is used once, decided
-- by a compare-and-set on `used_at` (`UPDATE … WHERE used_at IS NULL`).

-- An owner's invitation to join a channel with a role; valid 7 days. `member_id` is the
-- account that accepted it (set in the same compare-and-set as `used_at`).
CREATE TABLE invitations (
  id TEXT PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,
  channel_id TEXT NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
  email TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('owner', 'member')),
  invited_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER,
  revoked_at INTEGER,
  member_id TEXT
);
CREATE INDEX invitations_by_channel ON invitations (channel_id, created_at);

-- Single-use links about one account: 'password_reset' (1 hour) and 'email_change'
-- (1 day; `email` is the new address to confirm).
CREATE TABLE account_links (
  token_hash TEXT PRIMARY KEY,
  purpose TEXT NOT NULL CHECK (purpose IN ('password_reset', 'email_change')),
  member_id TEXT NOT NULL REFERENCES members(id) ON DELETE CASCADE,
  email TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER,
  -- A random id of the request that used the link, set with `used_at`: the same
  -- batch's later statements act only for the request whose compare-and-set won.
  use_id TEXT
);
CREATE INDEX account_links_by_member ON account_links (member_id, purpose);

-- Development only: every account email, written only when the worker runs with
-- KIZUNA_DEV_CLOCK=on (`scripts/dev`, the e2e harness) and shown at /dev/outbox.
CREATE TABLE dev_outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  to_address TEXT NOT NULL,
  subject TEXT NOT NULL,
  body TEXT NOT NULL,
  link TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
