-- alert_timer_done — a due timer was handled (services/alerting/timers.h).
-- KEYS: 1 the timer clock (zset), 2 the timers' data (hash), 3 the timers'
--   open alerts (hash).
-- ARGV: 1 the member, 2 its score when taken (the lease), 3 'drop', 'later'
--   or 'fired', 4 later: the new deadline; fired: the alert's id ('' when it
--   was raised before).
-- When an event moved the deadline since it was taken, the clock keeps the
-- event's; a fired timer records its alert for the auto-resolve either way.
-- Returns 1 when the clock changed, else 0.
local member, act, arg = ARGV[1], ARGV[3], ARGV[4]
if act == 'fired' and arg ~= '' then redis.call('HSET', KEYS[3], member, arg) end
local cur = redis.call('ZSCORE', KEYS[1], member)
if not cur or tonumber(cur) ~= tonumber(ARGV[2]) then return 0 end
if act == 'later' then
  redis.call('ZADD', KEYS[1], tonumber(arg), member)
  return 1
end
redis.call('ZREM', KEYS[1], member)
if redis.call('HGET', KEYS[2], member) ~= '-' then redis.call('HDEL', KEYS[2], member) end
return 1
