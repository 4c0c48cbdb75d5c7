-- alert_deadline_lease — the due members of a deadline clock (the escalation's
-- or the timer rules'), each pushed a lease ahead on the clock so that no
-- other replica takes it meanwhile (services/alerting/deadline.h). What
-- handles a member takes it off the clock (or moves it later); one that is
-- not handled (a replica died) comes back after the lease.
-- KEYS: 1 the clock (zset: member by deadline, Unix ms).
-- ARGV: 1 now (ms), 2 the lease (ms), 3 at most this many.
-- Returns the members taken.
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
local until_ = tonumber(ARGV[1]) + tonumber(ARGV[2])
for _, id in ipairs(ids) do redis.call('ZADD', KEYS[1], 'XX', until_, id) end
return ids
