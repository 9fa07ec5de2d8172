-- Security (issue 10).

-- The browser that made an order: keyed hash (tok_hash) of its secret
-- "buyer" cookie. Only that browser sees the order's items through
-- /checkout/{ref}/…; the ref alone shows the status and nothing else.
ALTER TABLE orders ADD COLUMN browser_hash BLOB;

-- A free order is granted only once the phone's owner typed the code sent
-- to that phone on WhatsApp: keyed hash of the code, and wrong tries.
ALTER TABLE orders ADD COLUMN confirm_hash BLOB;
ALTER TABLE orders ADD COLUMN confirm_tries INTEGER NOT NULL DEFAULT 0;

-- Limits per (phone, browser) and (phone, address) look orders up by
-- customer and time.
CREATE INDEX orders_customer_addr ON orders(customer_id, client_addr, created_at);

-- Bytes a response actually handed to the network for a file with a
-- download limit (NULL: a whole copy, as every row before this counted).
-- Copies = bytes / file size, so ranged requests cannot multiply them.
ALTER TABLE downloads ADD COLUMN bytes INTEGER;

-- Ticket codes: tickets.code now holds "h:" + the hex of the code's keyed
-- hash (what check-in looks up) and code_sealed the code sealed under the
-- master key (what the buyer's library shows): a copy of the database
-- opens no door. Rows from before keep their clear code until re-issued.
ALTER TABLE tickets ADD COLUMN code_sealed BLOB;
