-- rebuild_range — the log entries a rebuild applies next (services/scoring/rebuild.h).
-- KEYS: 1 the log (stream).
-- ARGV: 1 after (exclusive), 2 up to (inclusive), 3 events, 4 entries.
-- Returns the entries after the cursor, one at a time until they hold
-- `events` events or make `entries` entries.
--@include take_entries.lua
local cursor = ARGV[1]
return take_entries(function()
  local e = redis.call('XRANGE', KEYS[1], '(' .. cursor, ARGV[2], 'COUNT', 1)[1]
  if e then cursor = e[1] end
  return e
end, tonumber(ARGV[3]), tonumber(ARGV[4]))
