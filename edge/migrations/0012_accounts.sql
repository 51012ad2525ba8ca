-- Accounts sign in (issue 11): a password hash on each account (`members`), sessions
-- behind an HttpOnly cookie, and failed sign-ins counted for the 429 limits.
-- The hash is PBKDF2-SHA256 (hex) over the account's random salt (hex), with its
-- iteration count stored beside it so a later count can be told apart. An account
-- without a hash cannot sign in (it still works with API tokens).
ALTER TABLE members ADD COLUMN password_hash TEXT;
ALTER TABLE members ADD COLUMN password_salt TEXT;
ALTER TABLE members ADD COLUMN password_iterations INTEGER;

-- Only the SHA-256 of the cookie's value is stored; `id` is the public name a session
-- is listed and revoked by.
CREATE TABLE sessions (
  id TEXT PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,
  member_id TEXT NOT NULL REFERENCES members(id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  last_used_at INTEGER NOT NULL,
  user_agent TEXT NOT NULL DEFAULT '',
  revoked_at INTEGER
);
CREATE INDEX sessions_by_member ON sessions (member_id, last_used_at);

-- Failed sign-ins of the last 15 minutes, per email (as given, lowercased) and client
-- address; older rows are pruned on each failure.
CREATE TABLE sign_in_attempts (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  email TEXT NOT NULL,
  client TEXT NOT NULL,
  at INTEGER NOT NULL
);
CREATE INDEX sign_in_attempts_by_email ON sign_in_attempts (email, at);
CREATE INDEX sign_in_attempts_by_client ON sign_in_attempts (client, at);
CREATE INDEX sign_in_attempts_by_age ON sign_in_attempts (at);
