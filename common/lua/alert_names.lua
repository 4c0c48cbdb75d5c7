-- alert_names — the names an alert's titles show (services/alerting).
-- Read-only.
-- KEYS: the customers and teams (hashes) whose names are wanted.
-- Returns the name of each, or false.
local out = {}
for k = 1, #KEYS do out[k] = redis.call('HGET', KEYS[k], 'name') end
return out
