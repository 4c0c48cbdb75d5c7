-- rebuild_request — ask for a rebuild unless one is running (nq/rebuild_job.h).
-- KEYS: 1 the job (HASH).
-- ARGV: 1 scope: periods ending after (Unix ms), 2 now (Unix ms), 3 the state
--   it moves to, then the states it may move from ("" for no job).
-- Returns 1 when requested, 0 when the job is in another state (running).
local st = redis.call('HGET', KEYS[1], 'state') or ''
local allowed = false
for i = 4, #ARGV do allowed = allowed or st == ARGV[i] end
if not allowed then return 0 end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'state', ARGV[3], 'from', ARGV[1], 'requested_at', ARGV[2])
return 1
