-- When the customer's latest session began (ms since the epoch): the time the visitor's
-- Durable Object first saw its session id (`shared::profile::Profile::observe`). NULL for
-- customers whose last session began before it was kept, and for those made by hand.
ALTER TABLE customers ADD COLUMN last_session_started_at INTEGER;
