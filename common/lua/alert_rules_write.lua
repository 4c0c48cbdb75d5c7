-- alert_rules_write — replace a team's alert rule overrides
-- (gateway/h_alert_rules.c) or another per-team JSON setting of alerting
-- kept the same way (quiet hours, gateway/h_channels.c).
-- KEYS: 1 the team's hash, 2 the teams' rule overrides (hash) or setting.
-- ARGV: 1 the team's id, 2 the overrides JSON ('' or '{}': none).
-- Returns 0 when the team does not exist (nothing written), else 1.
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if ARGV[2] == '' or ARGV[2] == '{}' then
  redis.call('HDEL', KEYS[2], ARGV[1])
else
  redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
end
return 1
