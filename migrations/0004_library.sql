-- Library additions (issue 6).

-- The creator's "reset downloads": downloads before this time no longer
-- count toward the product's per-file limit (the log itself stays).
ALTER TABLE entitlements ADD COLUMN downloads_reset_at INTEGER NOT NULL DEFAULT 0;

-- POST /library/recover attempts, for the per-phone and per-address rate
-- limits. Old rows are pruned by the recover path itself.
CREATE TABLE recover_attempts (
	id	INTEGER PRIMARY KEY,
	at	INTEGER NOT NULL,
	phone	TEXT NOT NULL,
	addr	TEXT NOT NULL
);
CREATE INDEX recover_attempts_phone ON recover_attempts(phone, at);
CREATE INDEX recover_attempts_addr ON recover_attempts(addr, at);

-- The scheduler looks for due automations by trigger.
CREATE INDEX automations_trigger ON automations(trigger, enabled);
CREATE INDEX entitlements_product ON entitlements(product_id);
