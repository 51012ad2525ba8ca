-- A campaign's recipients, newest first (`GET …/campaigns/{id}/recipients`): the page
-- walks this index from its cursor, (sent_at, visitor_id) being the list's order and
-- tie-break, so a page reads about `limit` rows however many the campaign reached. It
-- replaces `deliveries_by_campaign (campaign_id, sent_at)`, a prefix of it that nothing
-- else needs, so a delivery still writes two indexes.
CREATE INDEX deliveries_recipients ON deliveries (campaign_id, sent_at, visitor_id);
DROP INDEX deliveries_by_campaign;
