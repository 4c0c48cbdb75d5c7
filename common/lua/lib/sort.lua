-- sort_refresh(c, s, id): keep customer id (hash KEYS[c]) in the sort
-- indexes KEYS[s .. s + 3] (services/customers/orgix.h, in the order of the
-- table below), members "<sort key>\31<id>" of score 0, and in the index by
-- owner KEYS[s + 4], members "<group>\31<n>\31<sort key>\31<id>" (n: the
-- sort's place in the table; group: its owner, else "pool=<team>" of the
-- pool it is in, else none), which a team's sorted page reads one member's
-- (or its pool's) range of. The keys it wrote (and the group) are kept in
-- the hash's field sort_keys, so the next refresh takes out exactly those.
-- With `all`, every entry is written again (indexes built from the records).
-- sort_remove(c, s, id) takes it out of them all.
-- Keys: the name folded (ASCII lower case) and cut to 30 bytes at a
-- character's start; times as 13 digits, never contacted as the oldest,
-- no follow-up due as the latest.
local sort_fields = {'name', 'created_at', 'last_contact_at', 'followup_due_at'}
local sort_none = {'', '0000000000000', '0000000000000', '9999999999999'}

local function sort_key(i, v)
  if i > 1 then
    local n = tonumber(v or '')
    return n and string.format('%013d', n) or sort_none[i]
  end
  v = string.lower(v or '')
  if #v > 30 then
    local cut = 30
    while cut > 0 do
      local b = string.byte(v, cut + 1)
      if b < 0x80 or b >= 0xC0 then break end
      cut = cut - 1
    end
    v = string.sub(v, 1, cut)
  end
  return v
end

-- The customer's group in the index by owner ("" none): owner ids and team
-- ids hold no '=', so the two kinds never meet.
local function sort_group(owner, pool)
  if (owner or '') ~= '' then return owner end
  if (pool or '') ~= '' then return 'pool=' .. pool end
  return ''
end

local function sort_old(c)
  local old, kept = {}, redis.call('HGET', KEYS[c], 'sort_keys')
  if kept then
    for k in string.gmatch(kept .. '\31', '([^\31]*)\31') do old[#old + 1] = k end
  end
  return old
end

-- Into (op 'ZADD') or out of ('ZREM') the index by owner KEYS[g]: sort i's entry.
local function sort_grouped(op, g, group, i, key, id)
  if group == '' then return end
  local member = group .. '\31' .. i .. '\31' .. key .. '\31' .. id
  if op == 'ZADD' then
    redis.call('ZADD', KEYS[g], 0, member)
  else
    redis.call('ZREM', KEYS[g], member)
  end
end

local function sort_remove(c, s, id)
  local old = sort_old(c)
  for i = 1, #sort_fields do
    if old[i] then
      redis.call('ZREM', KEYS[s + i - 1], old[i] .. '\31' .. id)
      sort_grouped('ZREM', s + 4, old[5] or '', i, old[i], id)
    end
  end
end

local function sort_refresh(c, s, id, all)
  local old = sort_old(c)
  local f = redis.call('HMGET', KEYS[c], 'owner_id', 'pool_team', unpack(sort_fields))
  local group, was = sort_group(f[1], f[2]), old[5] or ''
  local now = {}
  for i = 1, #sort_fields do
    now[i] = sort_key(i, f[i + 2])
    if old[i] ~= now[i] or all then
      if old[i] then redis.call('ZREM', KEYS[s + i - 1], old[i] .. '\31' .. id) end
      redis.call('ZADD', KEYS[s + i - 1], 0, now[i] .. '\31' .. id)
    end
    if old[i] ~= now[i] or was ~= group or not old[5] or all then
      if old[i] then sort_grouped('ZREM', s + 4, was, i, old[i], id) end
      sort_grouped('ZADD', s + 4, group, i, now[i], id)
    end
  end
  now[#sort_fields + 1] = group
  redis.call('HSET', KEYS[c], 'sort_keys', table.concat(now, '\31'))
end
