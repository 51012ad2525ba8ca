-- Downloads and the audit log (issue 13).

-- When a campaign actually started (its first start: the time it became running, which
-- is its `startsAt` when that was later than the start command) and ended (stopped, or
-- reached `endsAt`): the results workbook's startAt and endAt.
ALTER TABLE campaigns ADD COLUMN started_at INTEGER;
ALTER TABLE campaigns ADD COLUMN ended_at INTEGER;

-- Every download and every refused attempt, kept one year (the cron deletes older
-- entries); no route changes or deletes an entry. The actor's name and email are copied
-- in, so an entry still names someone who has since left the channel or Kizuna.
CREATE TABLE audit_log (
  id TEXT PRIMARY KEY,
  channel_id TEXT NOT NULL,
  at INTEGER NOT NULL,
  actor_account_id TEXT,
  actor_name TEXT NOT NULL,
  actor_email TEXT,
  action TEXT NOT NULL CHECK (action IN ('campaignResults', 'customerExport', 'exportFile', 'customerData')),
  allowed INTEGER NOT NULL CHECK (allowed IN (0, 1)),
  campaign_id TEXT,
  customer_id TEXT,
  export_id TEXT,
  search TEXT CHECK (search IS NULL OR json_valid(search)),
  columns TEXT CHECK (columns IS NULL OR json_type(columns) = 'array'),
  rows INTEGER,
  file_kind TEXT CHECK (file_kind IS NULL OR file_kind IN ('xlsx', 'csv', 'json')),
  reason TEXT NOT NULL,
  ip TEXT
);
-- The audit screen lists a channel's entries newest first, by person or not.
CREATE INDEX audit_log_by_channel ON audit_log (channel_id, at, id);
CREATE INDEX audit_log_by_actor ON audit_log (channel_id, actor_account_id, at, id);
CREATE INDEX audit_log_by_age ON audit_log (at);

-- Customer exports, run as jobs on the queue (`edge/src/services/exports.rs`). The file
-- password rests only sealed under the worker's EXPORT_SECRET (`sealed_password`), and
-- is erased (NULL) when the job ends, however it ends. `target` is the search as asked
-- (ids, or q/filter/segment; NULL for every customer), evaluated at `evaluated_at`.
CREATE TABLE exports (
  id TEXT PRIMARY KEY,
  channel_id TEXT NOT NULL,
  requested_by TEXT NOT NULL,
  requester_name TEXT NOT NULL,
  requester_email TEXT NOT NULL,
  reason TEXT NOT NULL,
  format TEXT NOT NULL CHECK (format IN ('xlsx', 'csv')),
  scope TEXT NOT NULL CHECK (scope IN ('all', 'search', 'selection')),
  target TEXT CHECK (target IS NULL OR json_valid(target)),
  columns TEXT NOT NULL CHECK (json_type(columns) = 'array'),
  evaluated_at INTEGER NOT NULL,
  sealed_password TEXT,
  state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed', 'cancelled')),
  -- The last customer id written; the next file starts after it.
  cursor TEXT NOT NULL DEFAULT '',
  total INTEGER NOT NULL,
  processed INTEGER NOT NULL DEFAULT 0,
  error TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  finished_at INTEGER,
  -- When the files were deleted from R2 (24 hours after finishing).
  files_deleted_at INTEGER
);
CREATE INDEX exports_by_channel ON exports (channel_id, created_at);
CREATE INDEX exports_open ON exports (state, updated_at);
CREATE INDEX exports_to_delete ON exports (finished_at) WHERE files_deleted_at IS NULL;

-- One finished file of an export, stored in R2 under `exports/{export_id}/{n}`.
CREATE TABLE export_files (
  export_id TEXT NOT NULL,
  n INTEGER NOT NULL,
  rows INTEGER NOT NULL,
  bytes INTEGER NOT NULL,
  PRIMARY KEY (export_id, n)
);
