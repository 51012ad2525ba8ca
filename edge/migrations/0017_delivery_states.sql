-- When a message counts as sent (issue 12). A delivery the engine releases is written
-- 'pending' and counts nothing; it becomes 'sent' (and counts one `sent` on that day)
-- when a page of the customer takes it or an email/SMS provider accepts it, or
-- 'withdrawn' ("delete unviewed") or 'expired' (7 days) if neither happened; only a
-- pending row moves (compare-and-set in `edge/src/store/deliveries.rs`). `sent_at` is
-- the time it was sent, and its release time while it is not.
-- Rows from before were counted as sent when released: they stay 'sent', so the daily
-- counters and the rows agree.
ALTER TABLE deliveries ADD COLUMN state TEXT NOT NULL DEFAULT 'sent'
  CHECK (state IN ('pending', 'sent', 'withdrawn', 'expired'));
