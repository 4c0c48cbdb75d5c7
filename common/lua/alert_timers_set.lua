-- alert_timers_set — what a batch of the activity log does to the deadlines
-- of the timer rules (services/alerting/timers.h), before its entries are
-- acknowledged; applying it again (a redelivered batch) changes nothing.
-- KEYS: 1 the timer clock (zset: "<rule>|<subject>" by deadline, Unix ms),
--   2 the timers' data (hash: member -> the packed event that set it, or
--   '-' once its clock stopped for good), 3 the timers' open alerts (hash:
--   member -> the id of the alert it raised).
-- ARGV: per deadline 4 values: 'set' or 'clear', the member, the deadline
--   ('0' for clear), the data to keep ('' none).
-- A 'set' only moves a deadline later (an older event redelivered leaves it)
-- and does nothing to a member cleared for good; a 'clear' removes it.
-- Returns per deadline the id of the alert its timer raised, or false.
local out = {}
for i = 1, #ARGV, 4 do
  local op, member, due, data = ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 2]), ARGV[i + 3]
  if op == 'clear' then
    redis.call('ZREM', KEYS[1], member)
    redis.call('HSET', KEYS[2], member, '-')
  elseif redis.call('HGET', KEYS[2], member) ~= '-' then
    local cur = redis.call('ZSCORE', KEYS[1], member)
    if not cur or tonumber(cur) < due then redis.call('ZADD', KEYS[1], due, member) end
    if data ~= '' then redis.call('HSET', KEYS[2], member, data) end
  end
  out[#out + 1] = redis.call('HGET', KEYS[3], member)
end
return out
