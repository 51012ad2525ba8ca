UPDATE bulk_jobs SET cursor = ?3, processed = processed + ?4, changed = changed + changes(),
           batches = batches + 1, updated_at = ?5,
           state = CASE WHEN ?6 THEN 'done' ELSE state END,
           finished_at = CASE WHEN ?6 THEN ?5 ELSE finished_at END
         WHERE id = ?1 AND cursor = ?2 AND state = 'running'