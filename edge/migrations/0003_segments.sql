-- Segments: saved searches. They store the conditions (the filter's JSON form,
-- admin_wire::FilterDoc), never a list of customers: each use evaluates them afresh.

CREATE TABLE segments (
  id TEXT PRIMARY KEY,
  channel_id TEXT NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  filter TEXT NOT NULL CHECK (json_type(filter) = 'object'),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (channel_id, name)
);
