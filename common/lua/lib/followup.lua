-- followup_refresh(c, d, o, s, id, now, off): set the follow-up of customer
-- id, hash KEYS[c], from it (services/customers/followup.h): overdue from the
-- local midnight starting day(base) + cadence_days + 1, base its
-- last_contact_at, else its since, else its created_at; off is what local
-- midnights are away from UTC ones (ms). Kept in KEYS[d] (ZSET id -> overdue
-- from) and in the list index KEYS[o] while that is not after now. A customer
-- without an owner or a cadence, or lost or in the pool, is due none. Then
-- its place in the sort indexes KEYS[s ..] (sort.lua, included before this).
local function followup_refresh(c, d, o, s, id, now, off)
  local f = redis.call('HMGET', KEYS[c], 'owner_id', 'cadence_days', 'last_contact_at', 'since',
                       'created_at', 'status')
  local base = tonumber(f[3] or '') or tonumber(f[4] or '') or tonumber(f[5] or '')
  local days = tonumber(f[2] or '')
  local status = f[6] or ''
  if (f[1] or '') == '' or not days or not base or status == 'lost' or status == 'pool' then
    redis.call('HDEL', KEYS[c], 'followup_due_at')
    redis.call('ZREM', KEYS[d], id)
    redis.call('ZREM', KEYS[o], id)
    sort_refresh(c, s, id)
    return
  end
  local day = 86400000
  local due = string.format('%d', (math.floor((base + off) / day) + days + 1) * day - off)
  redis.call('HSET', KEYS[c], 'followup_due_at', due)
  redis.call('ZADD', KEYS[d], due, id)
  if tonumber(due) <= tonumber(now) then
    redis.call('ZADD', KEYS[o], 0, id)
  else
    redis.call('ZREM', KEYS[o], id)
  end
  sort_refresh(c, s, id)
end
