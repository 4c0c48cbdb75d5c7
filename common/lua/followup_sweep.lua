-- followup_sweep — put the customers whose follow-up fell due since the last
-- sweep in the overdue list index (services/customers/followup.h); writes
-- that change a due date keep the index themselves.
-- KEYS: 1 the follow-ups due (ZSET), 2 the overdue index, 3 when the last
--   sweep ran (STRING, Unix ms).
-- ARGV: 1 now (Unix ms), 2 how far before the last sweep to look again (ms:
--   instances' clocks differ).
-- Returns how many it put in.
local last = tonumber(redis.call('GET', KEYS[3]) or '')
local from = last and tostring(last - tonumber(ARGV[2])) or '-inf'
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], from, ARGV[1])
for _, id in ipairs(ids) do redis.call('ZADD', KEYS[2], 0, id) end
redis.call('SET', KEYS[3], ARGV[1])
return #ids
