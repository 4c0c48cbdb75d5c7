-- org_layout_write — histories from the first org layout, once
-- (services/customers/migrate.h).
-- KEYS: 1 the layout mark, 2 the org version, then per salesperson their
--   team history, status history and profile, then per team its hash and its
--   set of everyone ever in it.
-- ARGV: 1 the mark, 2 how many salespeople, 3 how many teams, then per
--   salesperson: id, team ("" none), status; then the team ids.
-- A salesperson who has a history already is left as they are. Returns how
-- many salespeople were looked at.
local ns, nt = tonumber(ARGV[2]), tonumber(ARGV[3])
local ever = {}
for i = 1, nt do ever[ARGV[3 + 3 * ns + i]] = 2 + 3 * ns + 2 * i end
for i = 1, ns do
  local id, team, status = ARGV[1 + 3 * i], ARGV[2 + 3 * i], ARGV[3 + 3 * i]
  local teams, statuses, profile = KEYS[3 * i], KEYS[3 * i + 1], KEYS[3 * i + 2]
  if redis.call('EXISTS', teams) == 0 and redis.call('EXISTS', statuses) == 0 then
    redis.call('HSET', profile, 'team_id', team)
    if team ~= '' then
      redis.call('ZADD', teams, 0, '0|' .. team)
      redis.call('SADD', KEYS[ever[team]], id)
    end
    if status ~= '' and status ~= 'active' then
      redis.call('ZADD', statuses, 0, '0|' .. status)
    end
  end
end
for i = 1, nt do redis.call('HDEL', KEYS[1 + 3 * ns + 2 * i], 'members') end
redis.call('SET', KEYS[1], ARGV[1])
redis.call('INCR', KEYS[2])
return ns
