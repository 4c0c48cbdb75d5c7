-- alert_fetch — stored alerts (gateway/h_alerts.c). Read-only.
-- KEYS: the alerts' hashes.
-- Returns {id, packed alert, version} for each, false fields when missing.
local out = {}
for k = 1, #KEYS do out[k] = redis.call('HMGET', KEYS[k], 'id', 'a', 'v') end
return out
