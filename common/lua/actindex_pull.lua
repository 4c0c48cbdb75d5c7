-- actindex_pull — new log entries for the activity indexer (services/customers/indexer.h).
-- KEYS: 1 the log (stream).
-- ARGV: 1 group, 2 consumer, 3 events, 4 entries.
-- Returns new entries for this consumer, one at a time until they hold
-- `events` events or make `entries` entries, or false when nothing is new.
--@include take_entries.lua
local out = take_entries(function()
  local r = redis.call('XREADGROUP', 'GROUP', ARGV[1], ARGV[2], 'COUNT', 1, 'STREAMS',
                       KEYS[1], '>')
  return r and r[1][2][1]
end, tonumber(ARGV[3]), tonumber(ARGV[4]))
if #out == 0 then return false end
return out
