-- dlv_claim — take the deliveries that are due (services/alerting/deliver.h):
-- each is pushed a lease ahead in the queue, so no other sender takes it
-- meanwhile and it comes back if this one dies.
-- KEYS: 1 the delivery queue (zset).
-- ARGV: 1 now (ms), 2 the lease (ms), 3 how many at most.
-- Returns the delivery ids taken.
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[3])
local until_ = tonumber(ARGV[1]) + tonumber(ARGV[2])
for _, id in ipairs(ids) do redis.call('ZADD', KEYS[1], until_, id) end
return ids
