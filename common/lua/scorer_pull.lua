-- scorer_pull — new log entries for a scorer (services/scoring/scorer.h).
-- KEYS: 1 the log (stream), 2 the rebuild's pause flag.
-- ARGV: 1 group, 2 consumer, 3 events, 4 entries.
-- Returns new entries for this consumer, one at a time until they hold
-- `events` events or make `entries` entries, or false while a rebuild has
-- paused deliveries (checked in the same atomic step, so none slips past the
-- pause) or when nothing is new.
--@include take_entries.lua
if redis.call('EXISTS', KEYS[2]) == 1 then return false end
local out = take_entries(function()
  local r = redis.call('XREADGROUP', 'GROUP', ARGV[1], ARGV[2], 'COUNT', 1, 'STREAMS',
                       KEYS[1], '>')
  return r and r[1][2][1]
end, tonumber(ARGV[3]), tonumber(ARGV[4]))
if #out == 0 then return false end
return out
