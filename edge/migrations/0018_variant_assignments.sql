-- Campaign variants (issue 12): which arm of a campaign's split each customer was first
-- assigned to, and when they reached the campaign's goal event (no view needed, so the
-- control group has a rate too). Written by the visitor's object: one row per customer
-- and campaign with variants, when the campaign was first about to reach them, and at
-- most one update when its goal event comes within 7 days. A goal that is a channel
-- event (the message viewed, a link clicked) is read from `deliveries` instead.
-- `variant` is the 0-based index of the variant; NULL is the control group.
CREATE TABLE variant_assignments (
  channel_id TEXT NOT NULL,
  campaign_id TEXT NOT NULL,
  visitor_id TEXT NOT NULL,
  variant INTEGER,
  assigned_at INTEGER NOT NULL,
  goal_at INTEGER,
  PRIMARY KEY (campaign_id, visitor_id)
) WITHOUT ROWID;

-- A customer's rows (erase, merge into a member's customer).
CREATE INDEX variant_assignments_by_visitor ON variant_assignments (channel_id, visitor_id);

-- As for the other tables the visitors' objects write (migrations 0011 and 0013): a
-- call under way cannot bring back a deleted customer or a deleted channel's rows.
CREATE TRIGGER erased_customers_no_assignment BEFORE INSERT ON variant_assignments
WHEN EXISTS (SELECT 1 FROM erased_customers WHERE channel_id = NEW.channel_id AND customer_id = NEW.visitor_id)
BEGIN
  SELECT RAISE(IGNORE);
END;

CREATE TRIGGER channel_gone_no_assignment BEFORE INSERT ON variant_assignments
WHEN NOT EXISTS (SELECT 1 FROM channels WHERE id = NEW.channel_id)
BEGIN
  SELECT RAISE(IGNORE);
END;
