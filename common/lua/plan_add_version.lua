-- plan_add_version — store the next version of a team's plan
-- (services/reporting/plansvc.c).
-- KEYS: 1 the plan's versions (ZSET by effective_from).
-- ARGV: 1 effective_from (Unix ms), 2 the document's members (compact JSON
--   of the object without its braces, server fields removed), 3 now (Unix ms).
-- Stores {"version":N,"created_at":T,...} and returns N. (Built as text:
-- Redis's cjson would turn an empty array into an object.)
local n = redis.call('ZCARD', KEYS[1]) + 1
local doc = '{"version":' .. n .. ',"created_at":' .. ARGV[3]
if ARGV[2] ~= '' then doc = doc .. ',' .. ARGV[2] end
redis.call('ZADD', KEYS[1], ARGV[1], doc .. '}')
return n
