channel_id = ?1 AND id IN (SELECT value FROM json_each(?6)) AND (
          EXISTS (SELECT 1 FROM json_each(?2) a WHERE a.value NOT IN (SELECT value FROM json_each(customers.tags)))
          OR EXISTS (SELECT 1 FROM json_each(customers.tags) t WHERE t.value IN (SELECT value FROM json_each(?3)))
          OR (?4 IS NOT NULL AND unsubscribe_email IS NOT ?4)
          OR (?5 IS NOT NULL AND unsubscribe_texting IS NOT ?5))