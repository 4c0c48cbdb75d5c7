-- alert_rules_write — replace a team's alert rule overrides, or another
-- per-team document kept the same way (its settings): gateway/teamdoc.c.
-- KEYS: 1 the team's hash, 2 the teams' documents (hash: team id -> JSON).
-- ARGV: 1 the team's id, 2 the overrides JSON ('' or '{}': none).
-- Returns 0 when the team does not exist (nothing written), else 1.
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if ARGV[2] == '' or ARGV[2] == '{}' then
  redis.call('HDEL', KEYS[2], ARGV[1])
else
  redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
end
return 1
