-- alert_change — store what someone did with an alert, if nobody changed it
-- since it was read (gateway/h_alert_act.c; nq-alerting's escalation).
-- KEYS: 1 the alert's hash, 2 the alert stream, 3 the index of its state
--   before, 4 the index of its state after, 5 the escalation clock (zset).
-- ARGV: 1 the version read, 2 the alert's id, 3 its state after, 4 the packed
--   alert after (nq.Alert without id), 5 the alert stream's length cap, 6 '1'
--   when the alert is off the escalation clock after it (acknowledged,
--   resolved, escalated), else '0'.
-- Returns the stream entry's id, or false when the version moved on.
if redis.call('HGET', KEYS[1], 'v') ~= ARGV[1] then return false end
redis.call('HSET', KEYS[1], 'a', ARGV[4], 'state', ARGV[3], 'v', tonumber(ARGV[1]) + 1)
redis.call('ZREM', KEYS[3], ARGV[2])
redis.call('ZADD', KEYS[4], 0, ARGV[2])
if ARGV[6] == '1' then redis.call('ZREM', KEYS[5], ARGV[2]) end
return redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[5], '*', 'id', ARGV[2], 'a', ARGV[4])
