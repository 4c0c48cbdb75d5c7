-- sort_refresh(c, s, id): keep customer id (hash KEYS[c]) in the sort
-- indexes KEYS[s .. s + 3] (services/customers/orgix.h, in the order of the
-- table below), members "<sort key>\31<id>" of score 0. The keys it wrote
-- are kept in the hash's field sort_keys, so the next refresh takes out
-- exactly those. sort_remove(c, s, id) takes it out of them all.
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

local function sort_old(c)
  local old, kept = {}, redis.call('HGET', KEYS[c], 'sort_keys')
  if kept then
    for k in string.gmatch(kept .. '\31', '([^\31]*)\31') do old[#old + 1] = k end
  end
  return old
end

local function sort_remove(c, s, id)
  local old = sort_old(c)
  for i = 1, #sort_fields do
    if old[i] then redis.call('ZREM', KEYS[s + i - 1], old[i] .. '\31' .. id) end
  end
end

local function sort_refresh(c, s, id)
  local old = sort_old(c)
  local f = redis.call('HMGET', KEYS[c], unpack(sort_fields))
  local now = {}
  for i = 1, #sort_fields do
    now[i] = sort_key(i, f[i])
    if old[i] ~= now[i] then
      if old[i] then redis.call('ZREM', KEYS[s + i - 1], old[i] .. '\31' .. id) end
      redis.call('ZADD', KEYS[s + i - 1], 0, now[i] .. '\31' .. id)
    end
  end
  redis.call('HSET', KEYS[c], 'sort_keys', table.concat(now, '\31'))
end
