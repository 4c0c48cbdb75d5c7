-- channel_list — a team's delivery channels and their last outcomes
-- (gateway/h_channels.c). Read-only.
-- KEYS: 1 the team's hash, 2 the team's channels (hash), 3 their last
--   outcomes (hash).
-- Returns {1 when the team exists (else 0), [id, channel JSON, ...],
--   [id, outcome JSON, ...]}.
return {redis.call('EXISTS', KEYS[1]), redis.call('HGETALL', KEYS[2]),
        redis.call('HGETALL', KEYS[3])}
