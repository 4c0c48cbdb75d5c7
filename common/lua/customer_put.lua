-- customer_put — write a customer: its hash, the directory and its list
-- indexes (services/customers/customer.c).
-- KEYS: 1 the customer (HASH), 2 the customers directory, 3 the salespeople
--   directory, then the list indexes to take it out of, then those to put it
--   in (services/customers/orgix.h).
-- ARGV: 1 id, 2 now (Unix ms), 3 since (Unix ms, "" for now), 4 the owner it
--   had when read ("" none), 5 how many indexes to take it out of, 6 how many
--   to put it in, then the hash's field/value pairs (owner_id and class among
--   them).
-- `since` is when the customer's owner and class took effect: kept when the
-- put changes neither, else ARGV since (or now), which may not be before the
-- stored one (the customer's history stays in order).
-- Returns {1, old owner, old class, since} once written, {0, stored since}
-- when since is refused, {2} when the owner changed since it was read (read
-- again), {3} when the new owner is not in the directory.
--@include ix_move.lua
local old = redis.call('HMGET', KEYS[1], 'owner_id', 'class', 'since')
if (old[1] or '') ~= ARGV[4] then return {2} end
local owner, class = '', ''
for i = 7, #ARGV, 2 do
  if ARGV[i] == 'owner_id' then owner = ARGV[i + 1] end
  if ARGV[i] == 'class' then class = ARGV[i + 1] end
end
if owner ~= '' and redis.call('SISMEMBER', KEYS[3], owner) == 0 then return {3} end
local since = old[3]
if not old[2] or old[1] ~= owner or old[2] ~= class then
  since = ARGV[3] ~= '' and ARGV[3] or ARGV[2]
  if old[3] and tonumber(since) < tonumber(old[3]) then return {0, old[3]} end
end
redis.call('HSET', KEYS[1], unpack(ARGV, 7))
if since then redis.call('HSET', KEYS[1], 'since', since) end
redis.call('SADD', KEYS[2], ARGV[1])
ix_move(ARGV[1], 4, tonumber(ARGV[5]), tonumber(ARGV[6]))
return {1, old[1] or '', old[2] or '', since or ''}
