-- followup_recompute — a team's cadence applied to customers its members own
-- (services/customers/cadence.c).
-- KEYS: 1 the cadences (HASH "<team>:<class>" -> days), 2 the follow-ups due
--   (ZSET), 3 the overdue index, 4 the team's members now (list index), 5-9
--   the customers' sort indexes (lib/sort.lua), then one customer hash per
--   id of ARGV.
-- ARGV: 1 now, 2 the zone offset (ms), 3 the team, 4-6 the company's days
--   for key, normal, potential, then the customers' ids.
-- A customer whose owner is no member of the team now is left alone (the
-- write that moved it set its cadence). Returns how many customers it set.
--@include sort.lua
--@include followup.lua
local defaults = {key = ARGV[4], normal = ARGV[5], potential = ARGV[6]}
local done = 0
for i = 7, #ARGV do
  local c = 10 + i - 7
  local f = redis.call('HMGET', KEYS[c], 'class', 'owner_id')
  if f[1] and f[2] and redis.call('ZSCORE', KEYS[4], f[2]) then
    local class = f[1]
    local days = redis.call('HGET', KEYS[1], ARGV[3] .. ':' .. class) or defaults[class] or ''
    redis.call('HSET', KEYS[c], 'cadence_days', days)
    followup_refresh(c, 2, 3, 5, ARGV[i], ARGV[1], tonumber(ARGV[2]))
    done = done + 1
  end
end
return done
