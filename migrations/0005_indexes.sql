-- Indexes for lookups that scanned a whole table (found with EXPLAIN QUERY
-- PLAN over every statement in shared/*.c and `.lint fkey-indexes`;
-- tests/test-schema.c keeps them honest).

-- Refunds revoke the entitlements of one order (library.c), and the
-- foreign key entitlements.order_id → orders is checked through it.
CREATE INDEX entitlements_order ON entitlements(order_id);

-- Every product cover request asks whether the blob is the cover of a
-- published product (shop.c): without this it read every published row.
CREATE INDEX products_cover ON products(cover_sha256)
	WHERE cover_sha256 IS NOT NULL;

-- Removing a file from a product checks downloads.file_id → product_files:
-- without this each removal read the whole download log.
CREATE INDEX downloads_file ON downloads(file_id);

-- The recovery path prunes old attempts by time on every request.
CREATE INDEX recover_attempts_at ON recover_attempts(at);

-- The console's Messages screen lists the newest messages of one status
-- (outbox_list): newest first straight from the index.
CREATE INDEX messages_status ON messages(status, id);

-- The dashboard's figures (stats.c) read paid orders of the last 30 days:
-- a range over paid_at instead of every paid order ever.
CREATE INDEX orders_paid ON orders(status, paid_at);
