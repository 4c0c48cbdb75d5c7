-- contact_refresh — the follow-ups of customers whose last contact moved
-- (services/customers/ctrefresh.h), outside the indexer's transaction.
-- KEYS: 1 the customers to refresh (ZSET, contact_seen.lua marks them), 2 the
--   last contacts (HASH customer -> Unix ms), 3 the follow-ups due (ZSET), 4
--   the list index of the overdue, 5-9 the customers' sort indexes
--   (lib/sort.lua), then one customer hash per id of ARGV.
-- ARGV: 1 now (Unix ms), 2 the zone offset (ms), then the customers' ids.
-- Each customer in the directory gets its record's last_contact_at from
-- KEYS[2] as it is now, then its follow-up and sort entries
-- (followup_refresh); each is unmarked in the same script, so a mark made
-- before it is covered by what it read and one made after it stays. A
-- customer not in the directory is unmarked only (customer_put.lua reads
-- KEYS[2] when it is written). Returns how many it unmarked.
--@include sort.lua
--@include followup.lua
local done = 0
for i = 3, #ARGV do
  local id, c = ARGV[i], 10 + i - 3
  done = done + redis.call('ZREM', KEYS[1], id)
  if redis.call('EXISTS', KEYS[c]) == 1 then
    local last = redis.call('HGET', KEYS[2], id)
    if last then redis.call('HSET', KEYS[c], 'last_contact_at', last) end
    followup_refresh(c, 3, 4, 5, id, ARGV[1], tonumber(ARGV[2]))
  end
end
return done
