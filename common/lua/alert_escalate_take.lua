-- alert_escalate_take — the alerts whose escalation is due, each pushed a
-- lease ahead on the clock so that no other replica takes it meanwhile
-- (services/alerting/escalate.h). The escalation's change takes it off the
-- clock; one that is not applied (a replica died) comes back after the lease.
-- KEYS: 1 the escalation clock (zset: alert id by deadline, Unix ms).
-- ARGV: 1 now (ms), 2 the lease (ms), 3 at most this many.
-- Returns the alert ids taken.
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
local until_ = tonumber(ARGV[1]) + tonumber(ARGV[2])
for _, id in ipairs(ids) do redis.call('ZADD', KEYS[1], 'XX', until_, id) end
return ids
