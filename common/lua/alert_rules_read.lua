-- alert_rules_read — a team's alert rule overrides, or another per-team
-- document kept the same way (its settings): gateway/teamdoc.c. Read-only.
-- KEYS: 1 the team's hash, 2 the teams' documents (hash: team id -> JSON).
-- ARGV: 1 the team's id.
-- Returns {1 when the team exists (else 0), its overrides JSON or false}.
return {redis.call('EXISTS', KEYS[1]), redis.call('HGET', KEYS[2], ARGV[1])}
