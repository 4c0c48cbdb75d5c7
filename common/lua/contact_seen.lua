-- contact_seen — the last contacts (visit, call, meeting) of a batch of the
-- activity log, in the activity indexer's transaction
-- (services/customers/actwrite.h, ctrefresh.h).
-- KEYS: 1 the last contacts (HASH customer -> Unix ms), 2 the customers whose
--   follow-up is to be refreshed (ZSET customer -> first marked, Unix ms).
-- ARGV: 1 now (Unix ms), then per customer: its id and its latest contact in
--   the batch (Unix ms).
-- A contact older than the one kept changes nothing, so batches apply in any
-- order and any number of times alike. A customer whose last contact moved
-- is marked (kept when marked already): the refresher (contact_refresh.lua)
-- sets its record's last contact, follow-up and sort entries from KEYS[1]
-- outside this transaction. Returns how many moved.
local moved = 0
for i = 2, #ARGV, 2 do
  local id, at = ARGV[i], tonumber(ARGV[i + 1])
  local kept = tonumber(redis.call('HGET', KEYS[1], id) or '')
  if not kept or at > kept then
    redis.call('HSET', KEYS[1], id, ARGV[i + 1])
    redis.call('ZADD', KEYS[2], 'NX', ARGV[1], id)
    moved = moved + 1
  end
end
return moved
