-- alert_names — the names an alert's titles show (services/alerting).
-- Read-only.
-- KEYS: 1 the salesperson's profile, 2 the customer.
-- Returns {salesperson's name or false, customer's name or false}.
return {redis.call('HGET', KEYS[1], 'name'), redis.call('HGET', KEYS[2], 'name')}
