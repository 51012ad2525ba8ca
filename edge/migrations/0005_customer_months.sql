-- Monthly active customers: a customer counts toward a month's MAU when its updatedAt
-- moved in that month (channel time). One row per (customer, month), written in the
-- same batch as the customer row, so past months stay countable.
CREATE TABLE customer_months (
  channel_id TEXT NOT NULL,
  month TEXT NOT NULL,
  customer_id TEXT NOT NULL,
  PRIMARY KEY (channel_id, month, customer_id)
);
