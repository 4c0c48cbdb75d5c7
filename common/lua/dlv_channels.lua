-- dlv_channels — the channels of the teams of a batch of raised alerts
-- (services/alerting/deliver.h). Read-only.
-- KEYS: the teams' channel hashes.
-- Returns per key [id, channel JSON, ...].
local out = {}
for i = 1, #KEYS do out[i] = redis.call('HGETALL', KEYS[i]) end
return out
