-- team_write — write a team and the moves of its members' team histories,
-- if what was read is unchanged (services/customers/team.c).
-- KEYS: 1 team hash, 2 teams directory, 3 archived teams, 4 salespeople
--   directory, 5 the team's set of everyone ever in it, 6 org version, then
--   the list indexes to take the team out of and those to put it in
--   (services/customers/orgix.h), then per salesperson looked at: their team
--   history, their profile, the index of their team as read and of their
--   team after (the salespeople list's filter "team").
-- ARGV: 1 team id, 2 name, 3 coordinators (JSON), 4 now (ms), 5 the set as
--   read (sorted, one per line), 6 how many salespeople, 7 "1" to archive
--   (delete), 8 how many indexes to take the team out of, 9 how many to put
--   it in, then per salesperson: id, "1" when listed in the put's members,
--   team history as read, team now, count of new entries (-1: unchanged),
--   entries.
-- Returns {"retry"} when the set or a history changed since they were read;
-- {"missing", ids...} when listed salespeople are not in the directory;
-- {"members", ids...} when archiving a team that has members now; else
-- writes and returns {"ok"}.
--@include ix_move.lua
local ever = redis.call('SMEMBERS', KEYS[5])
table.sort(ever)
if table.concat(ever, '\n') ~= ARGV[5] then return {'retry'} end
local n, archive = tonumber(ARGV[6]), ARGV[7] == '1'
local nrem, nadd = tonumber(ARGV[8]), tonumber(ARGV[9])
local people, at, missing, current = {}, 10, {'missing'}, {'members'}
for i = 1, n do
  -- hist: KEYS[p.hist] is their team history, then their profile and the
  -- indexes of their team before and after
  local p = {id = ARGV[at], listed = ARGV[at + 1] == '1', now = ARGV[at + 3],
             count = tonumber(ARGV[at + 4]), first = at + 5, hist = 7 + nrem + nadd + 4 * (i - 1)}
  local old = table.concat(redis.call('ZRANGE', KEYS[p.hist], 0, -1), '\n')
  if old ~= ARGV[at + 2] then return {'retry'} end
  if p.listed and redis.call('SISMEMBER', KEYS[4], p.id) == 0 then
    missing[#missing + 1] = p.id
  end
  if archive and p.now == ARGV[1] then current[#current + 1] = p.id end
  people[i] = p
  at = p.first + math.max(p.count, 0)
end
if #missing > 1 then return missing end
if #current > 1 then return current end
if archive then
  redis.call('HSET', KEYS[1], 'updated_at', ARGV[4], 'deleted_at', ARGV[4])
  redis.call('SREM', KEYS[2], ARGV[1])
  redis.call('SADD', KEYS[3], ARGV[1])
else
  redis.call('HSET', KEYS[1], 'name', ARGV[2], 'coordinators', ARGV[3],
             'updated_at', ARGV[4], 'deleted_at', '')
  redis.call('HDEL', KEYS[1], 'members')
  redis.call('SADD', KEYS[2], ARGV[1])
  redis.call('SREM', KEYS[3], ARGV[1])
end
ix_move(ARGV[1], 7, nrem, nadd)
for _, p in ipairs(people) do
  if p.count >= 0 then
    redis.call('DEL', KEYS[p.hist])
    for k = p.first, p.first + p.count - 1 do
      redis.call('ZADD', KEYS[p.hist], tonumber(string.match(ARGV[k], '^%d+')), ARGV[k])
    end
    redis.call('HSET', KEYS[p.hist + 1], 'team_id', p.now)
    ix_move(p.id, p.hist + 2, 1, 1)
  end
  if p.listed then redis.call('SADD', KEYS[5], p.id) end
end
redis.call('INCR', KEYS[6])
return {'ok'}
