-- Email and SMS delivery of campaign messages (edge/src/outbound.rs).
-- A customer's email delivery status, set from the email provider's webhook
-- (shared/src/outbound.rs `EmailStatus`): unconfirmed, ok, invalid_address, error,
-- temporary_error, spam. No email is sent while it is invalid_address, error or spam.
ALTER TABLE customers ADD COLUMN email_status TEXT NOT NULL DEFAULT 'unconfirmed';

-- One row per message sent (or not) by email or SMS for a delivery. A sender claims the
-- row ('sending') before calling the provider and marks it 'sent', 'skipped' or
-- 'failed' after; a repeated job finds 'sent' or 'skipped' and does nothing. The
-- provider gets `Idempotency-Key: {delivery_id}-{medium}`, so a retry after a crash
-- between sending and marking is not delivered twice.
CREATE TABLE outbound_messages (
  delivery_id TEXT NOT NULL,
  medium TEXT NOT NULL CHECK (medium IN ('email', 'sms')),
  channel_id TEXT NOT NULL,
  visitor_id TEXT NOT NULL,
  campaign_id TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('sending', 'sent', 'skipped', 'failed')),
  address TEXT,
  reason TEXT,
  provider_id TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (delivery_id, medium)
);
CREATE INDEX outbound_messages_by_campaign ON outbound_messages (campaign_id, state);
