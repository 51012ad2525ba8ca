-- Bulk actions on customers (shared/src/bulk.rs), run as jobs in batches in id order.
-- `cursor` is the last customer id a batch reached; a batch moves it (and the counts)
-- only from the value it started at, so a repeated batch counts nothing twice.
CREATE TABLE bulk_jobs (
  id TEXT PRIMARY KEY,
  channel_id TEXT NOT NULL,
  target TEXT NOT NULL CHECK (json_valid(target)),
  change TEXT NOT NULL CHECK (json_valid(change)),
  evaluated_at INTEGER NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('running', 'done', 'failed')),
  cursor TEXT NOT NULL DEFAULT '',
  total INTEGER NOT NULL,
  processed INTEGER NOT NULL DEFAULT 0,
  changed INTEGER NOT NULL DEFAULT 0,
  batches INTEGER NOT NULL DEFAULT 0,
  error TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  finished_at INTEGER
);

CREATE INDEX bulk_jobs_running ON bulk_jobs (state, updated_at);
