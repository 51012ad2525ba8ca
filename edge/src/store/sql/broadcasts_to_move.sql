SELECT id FROM (SELECT id FROM campaigns c WHERE state IN ('running', 'scheduled')
           AND json_extract(definition, '$.kind') = 'broadcast'
           AND coalesce(json_extract(definition, '$.startsAt'), 0) <= ?1
           AND NOT EXISTS (SELECT 1 FROM broadcast_runs r WHERE r.campaign_id = c.id) LIMIT 100)
         UNION ALL
         SELECT id FROM (SELECT campaign_id AS id FROM broadcast_runs WHERE state = 'running' AND updated_at < ?2
           ORDER BY updated_at LIMIT 100)