-- alert_schedule_teams — the teams a schedule run looks at and their rule
-- overrides (services/alerting/sched.h). Read-only.
-- KEYS: 1 the index of teams not archived (zset), 2 the teams' rule
--   overrides (hash).
-- Returns {{team id, ...}, {team id, overrides JSON, ...}}.
return {redis.call('ZRANGE', KEYS[1], 0, -1), redis.call('HGETALL', KEYS[2])}
