-- alert_rules_read — a team's alert rule overrides (gateway/h_alert_rules.c)
-- or another per-team JSON setting of alerting (quiet hours,
-- gateway/h_channels.c). Read-only.
-- KEYS: 1 the team's hash, 2 the teams' rule overrides (hash) or setting.
-- ARGV: 1 the team's id.
-- Returns {1 when the team exists (else 0), its overrides JSON or false}.
return {redis.call('EXISTS', KEYS[1]), redis.call('HGET', KEYS[2], ARGV[1])}
