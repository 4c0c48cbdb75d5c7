-- contact_seen — the last contacts (visit, call, meeting) of a batch of the
-- activity log, in the activity indexer's transaction
-- (services/customers/actwrite.h, followup.h).
-- KEYS: 1 the last contacts (HASH customer -> Unix ms), 2 the follow-ups due
--   (ZSET), 3 the list index of the overdue, 4-8 the customers' sort indexes
--   (lib/sort.lua), then one customer hash per customer of ARGV.
-- ARGV: 1 now (Unix ms), 2 the zone offset (ms), then per customer: its id
--   and its latest contact in the batch (Unix ms).
-- A contact older than the one kept changes nothing, so batches apply in any
-- order and any number of times alike; a customer not in the directory yet
-- has its last contact kept for when it is written. Returns how many moved.
--@include sort.lua
--@include followup.lua
local moved = 0
for i = 3, #ARGV, 2 do
  local id, at = ARGV[i], tonumber(ARGV[i + 1])
  local kept = tonumber(redis.call('HGET', KEYS[1], id) or '')
  if not kept or at > kept then
    redis.call('HSET', KEYS[1], id, ARGV[i + 1])
    local c = 8 + (i - 1) / 2
    if redis.call('EXISTS', KEYS[c]) == 1 then
      redis.call('HSET', KEYS[c], 'last_contact_at', ARGV[i + 1])
      followup_refresh(c, 2, 3, 4, id, ARGV[1], tonumber(ARGV[2]))
    end
    moved = moved + 1
  end
end
return moved
