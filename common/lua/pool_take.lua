-- pool_take — the pool sweep's tick (services/customers/poolsweep.h): the
-- customers whose follow-up fell due since the last scan join the pool
-- schedule (unless on it already), then the scheduled ones due now are
-- taken: each pushed a lease ahead, so one replica looks at it at a time
-- and a replica that dies leaves it to another after the lease.
-- KEYS: 1 the follow-ups due (ZSET), 2 the pool schedule (ZSET), 3 up to
--   when the follow-ups were scanned (STRING, Unix ms).
-- ARGV: 1 now (Unix ms), 2 how far before the last scan to look again (ms:
--   instances' clocks differ), 3 the lease (ms), 4 most ids taken per step.
-- Returns the ids taken.
local last = tonumber(redis.call('GET', KEYS[3]) or '')
local from = last and tostring(last - tonumber(ARGV[2])) or '-inf'
-- due times gather at local midnights: the scan takes all of them at once
local fresh = redis.call('ZRANGEBYSCORE', KEYS[1], from, ARGV[1], 'WITHSCORES')
for i = 1, #fresh, 2 do redis.call('ZADD', KEYS[2], 'NX', fresh[i + 1], fresh[i]) end
redis.call('SET', KEYS[3], ARGV[1])
local ids = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1], 'LIMIT', 0, ARGV[4])
local lease = string.format('%d', tonumber(ARGV[1]) + tonumber(ARGV[3]))
for _, id in ipairs(ids) do redis.call('ZADD', KEYS[2], lease, id) end
return ids
