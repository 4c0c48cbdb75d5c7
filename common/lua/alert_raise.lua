-- alert_raise — raise an alert once per rule and subject (services/alerting).
-- KEYS: 1 the rule's seen key for the subject, 2 the alert stream.
-- ARGV: 1 how long the seen key lives (s), 2 the stream's length cap, 3 the
--   packed alert.
-- Returns the new alert's stream id, or false when it was raised already.
if not redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then return false end
return redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], '*', 'a', ARGV[3])
