-- The campaign engine (issue 4): channels get a named time zone and their campaign
-- settings (business-hours sets, frequency cap); visitors with a message waiting for a
-- moment (a wait, a schedule window) are listed for the cron; one-time broadcasts fan
-- out in batches whose cursor moves by compare-and-set.

ALTER TABLE channels ADD COLUMN time_zone TEXT;
-- {"businessHours": [...], "frequencyCap": {...}} (ChannelDocV1's fields of the same names).
ALTER TABLE channels ADD COLUMN settings TEXT NOT NULL DEFAULT '{}' CHECK (json_type(settings) = 'object');

-- One row per visitor whose state holds a message due at `due_at` (written by the
-- visitor's Durable Object; the per-minute cron wakes the due ones).
CREATE TABLE visitor_wakeups (
  channel_id TEXT NOT NULL,
  visitor_id TEXT NOT NULL,
  due_at INTEGER NOT NULL,
  PRIMARY KEY (channel_id, visitor_id)
);
CREATE INDEX visitor_wakeups_due ON visitor_wakeups (due_at);

-- The sending of a one-time broadcast: its audience as resolved when it went out (a
-- filter document, NULL for every customer), and how far the fan-out got.
CREATE TABLE broadcast_runs (
  campaign_id TEXT PRIMARY KEY,
  channel_id TEXT NOT NULL,
  audience TEXT CHECK (audience IS NULL OR json_valid(audience)),
  evaluated_at INTEGER NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('running', 'done', 'failed')),
  cursor TEXT NOT NULL DEFAULT '',
  total INTEGER NOT NULL,
  processed INTEGER NOT NULL DEFAULT 0,
  error TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  finished_at INTEGER
);
CREATE INDEX broadcast_runs_running ON broadcast_runs (state, updated_at);
