-- dlv_dead_list — a team's dead letters (gateway/h_channels.c). Read-only.
-- KEYS: 1 the team's hash, 2 its dead letters (hash).
-- Returns {1 when the team exists (else 0), [delivery id, record JSON, ...]}.
return {redis.call('EXISTS', KEYS[1]), redis.call('HGETALL', KEYS[2])}
