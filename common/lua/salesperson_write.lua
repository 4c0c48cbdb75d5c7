-- salesperson_write — write a salesperson: histories, profile, directory
-- sets, list indexes and the org version together, if what was read is
-- unchanged (services/customers/salesperson.c).
-- KEYS: 1 profile, 2 team history, 3 status history, 4 names index,
--   5 directory, 6 archived, 7 teams directory, 8 org version, 9 (when a
--   team is named) the team's set of everyone ever in it, then the list
--   indexes to take the salesperson out of, then those to put them in
--   (services/customers/orgix.h).
-- ARGV: 1 id, 2 name, 3 team now, 4 status now, 5 now (ms), 6 team that must
--   exist ("" none), 7 team history as read, 8 status history as read
--   (entries one per line), 9 "1" to archive, 10 deleted_at ("" none),
--   11 how many indexes to take them out of, 12 how many to put them in,
--   then the new team history (count, entries) and the new status history
--   (count, entries).
-- Returns {"retry"} when a history changed since it was read, {"no_team"}
-- when the team is not in the directory, else writes and returns {"ok"}.
--@include ix_move.lua
local function joined(k) return table.concat(redis.call('ZRANGE', KEYS[k], 0, -1), '\n') end
if joined(2) ~= ARGV[7] or joined(3) ~= ARGV[8] then return {'retry'} end
if ARGV[6] ~= '' and redis.call('SISMEMBER', KEYS[7], ARGV[6]) == 0 then
  return {'no_team'}
end
local nrem, nadd = tonumber(ARGV[11]), tonumber(ARGV[12])
local ix = #KEYS - nrem - nadd + 1
local at = 13
for _, k in ipairs({2, 3}) do
  redis.call('DEL', KEYS[k])
  local n = tonumber(ARGV[at])
  for i = 1, n do
    local e = ARGV[at + i]
    redis.call('ZADD', KEYS[k], tonumber(string.match(e, '^%d+')), e)
  end
  at = at + n + 1
end
redis.call('HSET', KEYS[1], 'name', ARGV[2], 'team_id', ARGV[3], 'status', ARGV[4],
           'updated_at', ARGV[5], 'deleted_at', ARGV[10])
redis.call('HSET', KEYS[4], ARGV[1], ARGV[2])
if ARGV[9] == '1' then
  redis.call('SREM', KEYS[5], ARGV[1])
  redis.call('SADD', KEYS[6], ARGV[1])
else
  redis.call('SADD', KEYS[5], ARGV[1])
  redis.call('SREM', KEYS[6], ARGV[1])
end
if ix > 9 then redis.call('SADD', KEYS[9], ARGV[1]) end
ix_move(ARGV[1], ix, nrem, nadd)
redis.call('INCR', KEYS[8])
return {'ok'}
