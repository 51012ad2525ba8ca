-- Issue 10: a deleted customer stays deleted. Deleting removes the customer's rows
-- (customers, customer_months, deliveries, outbound_messages, visitor_wakeups, and their
-- id in bulk jobs' id lists; the daily counters stay) and leaves this tombstone with the
-- deletion time. A write that arrives later about the same customer (a visitor object's
-- call already under way, a queued email, a retried job) is dropped by the triggers
-- below: `RAISE(IGNORE)` skips the row and the statement goes on, so a batch that also
-- writes other customers' rows is not failed by it. Visitor ids are issued by the edge
-- and never reused, so a tombstone never hides a new customer.
CREATE TABLE erased_customers (
  channel_id TEXT NOT NULL,
  customer_id TEXT NOT NULL,
  erased_at INTEGER NOT NULL,
  PRIMARY KEY (channel_id, customer_id)
);

CREATE TRIGGER erased_customers_no_customer BEFORE INSERT ON customers
WHEN EXISTS (SELECT 1 FROM erased_customers WHERE channel_id = NEW.channel_id AND customer_id = NEW.id)
BEGIN
  SELECT RAISE(IGNORE);
END;

CREATE TRIGGER erased_customers_no_month BEFORE INSERT ON customer_months
WHEN EXISTS (SELECT 1 FROM erased_customers WHERE channel_id = NEW.channel_id AND customer_id = NEW.customer_id)
BEGIN
  SELECT RAISE(IGNORE);
END;

CREATE TRIGGER erased_customers_no_delivery BEFORE INSERT ON deliveries
WHEN EXISTS (SELECT 1 FROM erased_customers WHERE channel_id = NEW.channel_id AND customer_id = NEW.visitor_id)
BEGIN
  SELECT RAISE(IGNORE);
END;

CREATE TRIGGER erased_customers_no_outbound BEFORE INSERT ON outbound_messages
WHEN EXISTS (SELECT 1 FROM erased_customers WHERE channel_id = NEW.channel_id AND customer_id = NEW.visitor_id)
BEGIN
  SELECT RAISE(IGNORE);
END;

CREATE TRIGGER erased_customers_no_wakeup BEFORE INSERT ON visitor_wakeups
WHEN EXISTS (SELECT 1 FROM erased_customers WHERE channel_id = NEW.channel_id AND customer_id = NEW.visitor_id)
BEGIN
  SELECT RAISE(IGNORE);
END;
