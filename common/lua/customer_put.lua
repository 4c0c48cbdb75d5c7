-- customer_put — write a customer: its hash, the directory, its list
-- indexes, its owner history and its follow-up (services/customers/customer.c).
-- KEYS: 1 the customer (HASH), 2 the customers directory, 3 the salespeople
--   directory, 4 its owner history (LIST), 5 the last contacts (HASH), 6 the
--   follow-ups due (ZSET), 7 the overdue list index, 8 the cadences (HASH
--   "<team>:<class>" -> days), 9 the new owner's profile (HASH; any key when
--   there is none), 10-14 the sort indexes (lib/sort.lua), 15 the new
--   owner's list index and 16 the new class's (a claim's count), 17 the pool
--   schedule (ZSET, services/customers/poolsweep.h), then the
--   list indexes to take it out of, then those to put it in
--   (services/customers/orgix.h).
-- ARGV: 1 id, 2 now (Unix ms), 3 since (Unix ms, "" for now), 4 the owner it
--   had when read ("" none), 5 its rev when read ("" not checked: a PUT),
--   6 the owner change's reason, 7 the zone offset (ms), 8-10 the company's
--   cadence for key, normal, potential, 11 how many indexes to take it out
--   of, 12 how many to put it in, 13 a guard ("" none; "claim" (and "rule",
--   an assignment rule's, without the status check): the customer
--   must be in the pool of the new owner's team and the new owner own fewer
--   of its class than the team's claim limit (KEYS 8 "<team>:<class>_claim_limit",
--   services/customers/pool.h); "pool": its follow-up due time
--   must still be ARGV 14, its status not lost or pool), 14 the guard's
--   value, then the hash's field/value pairs (owner_id and class among them).
-- `since` is when the customer's owner and class took effect: kept when the
-- put changes neither, else ARGV since (or now), which may not be before the
-- stored one (the customer's history stays in order). Every change of owner
-- is appended to the owner history "<since>|<owner>|<reason>" (the last
-- 100 kept). Returns {1, old owner, old class, since} once written, {0,
-- stored since} when since is refused, {2} when the owner or rev changed
-- since it was read (read again), {3} when the new owner is not in the
-- directory, {4, why[, count]} when the guard refuses it (services/customers/pool.h).
--@include ix_move.lua
--@include sort.lua
--@include followup.lua
local old = redis.call('HMGET', KEYS[1], 'owner_id', 'class', 'since', 'rev')
if (old[1] or '') ~= ARGV[4] then return {2} end
if ARGV[5] ~= '' and (old[4] or '0') ~= ARGV[5] then return {2} end
local owner, class = '', ''
for i = 15, #ARGV, 2 do
  if ARGV[i] == 'owner_id' then owner = ARGV[i + 1] end
  if ARGV[i] == 'class' then class = ARGV[i + 1] end
end
if owner ~= '' and redis.call('SISMEMBER', KEYS[3], owner) == 0 then return {3} end
if ARGV[13] == 'claim' or ARGV[13] == 'rule' then
  local g = redis.call('HMGET', KEYS[1], 'status', 'pool_team')
  if (old[1] or '') ~= '' or (ARGV[13] == 'claim' and g[1] ~= 'pool') then
    return {4, 'not_in_pool'}
  end
  local team = redis.call('HGET', KEYS[9], 'team_id') or ''
  if (g[2] or '') ~= '' and g[2] ~= team then return {4, 'other_team'} end
  local limit = tonumber(redis.call('HGET', KEYS[8], team .. ':' .. class .. '_claim_limit') or '')
  if limit then
    local n = redis.call('ZINTERCARD', 2, KEYS[15], KEYS[16])
    if n >= limit then return {4, 'limit', n} end
  end
elseif ARGV[13] == 'pool' then
  local g = redis.call('HMGET', KEYS[1], 'status', 'followup_due_at')
  if g[1] == 'lost' or g[1] == 'pool' or (g[2] or '') ~= ARGV[14] then return {4, 'changed'} end
end
local since = old[3]
if not old[2] or old[1] ~= owner or old[2] ~= class then
  since = ARGV[3] ~= '' and ARGV[3] or ARGV[2]
  if old[3] and tonumber(since) < tonumber(old[3]) then return {0, old[3]} end
end
if not old[2] or old[1] ~= owner then
  if old[2] and redis.call('LLEN', KEYS[4]) == 0 then
    redis.call('RPUSH', KEYS[4], (old[3] or '') .. '|' .. old[1] .. '|')
  end
  redis.call('RPUSH', KEYS[4], since .. '|' .. owner .. '|' .. ARGV[6])
  redis.call('LTRIM', KEYS[4], -100, -1)
end
redis.call('HSET', KEYS[1], unpack(ARGV, 15))
redis.call('HSET', KEYS[1], 'since', since)
redis.call('HSETNX', KEYS[1], 'created_at', ARGV[2])
redis.call('HINCRBY', KEYS[1], 'rev', 1)
local last = redis.call('HGET', KEYS[5], ARGV[1])
if last then redis.call('HSET', KEYS[1], 'last_contact_at', last) end
local team = owner ~= '' and redis.call('HGET', KEYS[9], 'team_id') or ''
local defaults = {key = ARGV[8], normal = ARGV[9], potential = ARGV[10]}
local days = (team ~= '' and redis.call('HGET', KEYS[8], team .. ':' .. class)) or defaults[class]
redis.call('HSET', KEYS[1], 'cadence_days', days or '')
followup_refresh(1, 6, 7, 10, ARGV[1], ARGV[2], tonumber(ARGV[7]))
local due = redis.call('HGET', KEYS[1], 'followup_due_at')
if due then
  redis.call('ZADD', KEYS[17], 'LT', due, ARGV[1])
else
  redis.call('ZREM', KEYS[17], ARGV[1])
end
redis.call('SADD', KEYS[2], ARGV[1])
ix_move(ARGV[1], 18, tonumber(ARGV[11]), tonumber(ARGV[12]))
return {1, old[1] or '', old[2] or '', since}
