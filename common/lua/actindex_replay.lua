-- actindex_replay — after a rebuild request, index the whole activity log
-- again (services/customers/indexer.h): the indexer's group goes back to the
-- log's start once per request. Writing an entry again changes nothing, so
-- the replay only fills in what is missing.
-- KEYS: 1 the rebuild job (HASH), 2 the request last replayed for (STRING),
--   3 the log (stream).
-- ARGV: 1 the job's field of when it was requested, 2 group.
-- Returns 1 when the group was set back, else 0.
local requested = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '')
if not requested then return 0 end
local replayed = tonumber(redis.call('GET', KEYS[2]) or '')
if replayed and replayed >= requested then return 0 end
redis.call('XGROUP', 'SETID', KEYS[3], ARGV[2], '0', 'ENTRIESREAD', 0)
redis.call('SET', KEYS[2], requested)
return 1
