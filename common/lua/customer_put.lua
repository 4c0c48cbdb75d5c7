-- customer_put — write a customer's hash (services/customers/customer.c).
-- KEYS: 1 the customer (HASH).
-- ARGV: 1 now (Unix ms), 2 since (Unix ms, "" for now), then the hash's
--   field/value pairs (owner_id and class among them).
-- `since` is when the customer's owner and class took effect: kept when the
-- put changes neither, else ARGV since (or now), which may not be before the
-- stored one (the customer's history stays in order).
-- Returns {1, old owner, old class, since} once written, or {0, stored
-- since} when refused.
local old = redis.call('HMGET', KEYS[1], 'owner_id', 'class', 'since')
local owner, class = '', ''
for i = 3, #ARGV, 2 do
  if ARGV[i] == 'owner_id' then owner = ARGV[i + 1] end
  if ARGV[i] == 'class' then class = ARGV[i + 1] end
end
local since = old[3]
if not old[2] or old[1] ~= owner or old[2] ~= class then
  since = ARGV[2] ~= '' and ARGV[2] or ARGV[1]
  if old[3] and tonumber(since) < tonumber(old[3]) then return {0, old[3]} end
end
redis.call('HSET', KEYS[1], unpack(ARGV, 3))
if since then redis.call('HSET', KEYS[1], 'since', since) end
return {1, old[1] or '', old[2] or '', since or ''}
