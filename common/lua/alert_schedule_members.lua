-- alert_schedule_members — the members now and the name of each team a
-- schedule run is due for (services/alerting/sched.h). Read-only.
-- KEYS: per team 2: the index of its members now (zset), its hash.
-- Returns per team {member id, ...} then its name (or false).
local out = {}
for k = 1, #KEYS, 2 do
  out[#out + 1] = redis.call('ZRANGE', KEYS[k], 0, -1)
  out[#out + 1] = redis.call('HGET', KEYS[k + 1], 'name')
end
return out
