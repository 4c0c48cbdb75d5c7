-- customer_delete — remove a customer: its hash, its owner history and
-- follow-up, from the directory and from its list indexes
-- (services/customers/customer.c).
-- KEYS: 1 the customer (HASH), 2 the customers directory, 3 its owner
--   history (LIST), 4 the follow-ups due (ZSET), 5-9 the sort indexes
--   (lib/sort.lua), then the list indexes to take it out of
--   (services/customers/orgix.h).
-- ARGV: 1 id, 2 the owner it had when read ("" none).
-- Its last contact stays (nq:followup:last), as its timeline does.
-- Returns {"ok"} once removed, {"retry"} when the owner changed since it was
-- read (read again), {"gone"} when there is no such customer.
--@include ix_move.lua
--@include sort.lua
if redis.call('EXISTS', KEYS[1]) == 0 then return {'gone'} end
if (redis.call('HGET', KEYS[1], 'owner_id') or '') ~= ARGV[2] then return {'retry'} end
sort_remove(1, 5, ARGV[1])
redis.call('DEL', KEYS[1], KEYS[3])
redis.call('ZREM', KEYS[4], ARGV[1])
redis.call('SREM', KEYS[2], ARGV[1])
ix_move(ARGV[1], 10, #KEYS - 9, 0)
return {'ok'}
