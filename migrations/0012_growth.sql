-- Selling more (issue 14): orders with lines (a cart paid once), discount
-- codes, pay what you want, tags, and email as a second channel.

-- Discount codes (discount.h). A code belongs to one creator and applies
-- to one of their products or (product_id NULL) to all of them. code is
-- stored upper-case; unique per creator, so two creators may both run
-- "KARIBU" and a cart with both applies each to its own lines.
-- kind 'percent': value 1–100; 'fixed': value in minor units of currency,
-- taken off each matching line (never below 0).
CREATE TABLE discount_codes (
	id		INTEGER PRIMARY KEY,
	creator_id	INTEGER NOT NULL REFERENCES creators(id),
	code		TEXT NOT NULL CHECK (length(code) BETWEEN 3 AND 32
			  AND code NOT GLOB '*[^A-Z0-9_-]*'),
	product_id	INTEGER REFERENCES products(id),
	kind		TEXT NOT NULL CHECK (kind IN ('percent', 'fixed')),
	value		INTEGER NOT NULL CHECK (value > 0),
	currency	TEXT CHECK (currency IS NULL
			  OR currency IN ('KES', 'TZS', 'UGX', 'USD')),
	starts_at	INTEGER,		-- NULL: from now on
	ends_at		INTEGER,		-- NULL: no end
	max_uses	INTEGER CHECK (max_uses IS NULL OR max_uses > 0),
	max_per_phone	INTEGER CHECK (max_per_phone IS NULL OR max_per_phone > 0),
	created_at	INTEGER NOT NULL,
	disabled_at	INTEGER,
	CHECK (kind <> 'percent' OR (value <= 100 AND currency IS NULL)),
	CHECK (kind <> 'fixed' OR currency IS NOT NULL),
	UNIQUE (creator_id, code)
);
CREATE INDEX discount_codes_code ON discount_codes(code);

-- An order is one payment; its lines are what it buys. Every order has at
-- least one line (orders made before this get theirs below); orders keep
-- product_id and quantity of their first line so readers of one-product
-- orders and old rows stay simple. creator_id is copied from the product
-- so a creator's console reads only their lines, through an index.
-- amount_minor = unit_minor × quantity − discount_minor.
CREATE TABLE order_lines (
	id		INTEGER PRIMARY KEY,
	order_id	INTEGER NOT NULL REFERENCES orders(id),
	product_id	INTEGER NOT NULL REFERENCES products(id),
	creator_id	INTEGER NOT NULL REFERENCES creators(id),
	quantity	INTEGER NOT NULL DEFAULT 1 CHECK (quantity BETWEEN 1 AND 100),
	unit_minor	INTEGER NOT NULL CHECK (unit_minor >= 0),
	discount_minor	INTEGER NOT NULL DEFAULT 0 CHECK (discount_minor >= 0),
	amount_minor	INTEGER NOT NULL CHECK (amount_minor >= 0),
	discount_id	INTEGER REFERENCES discount_codes(id),
	UNIQUE (order_id, product_id)
);
CREATE INDEX order_lines_product ON order_lines(product_id, order_id);
CREATE INDEX order_lines_creator ON order_lines(creator_id, order_id);
CREATE INDEX order_lines_discount ON order_lines(discount_id)
	WHERE discount_id IS NOT NULL;

INSERT INTO order_lines(order_id, product_id, creator_id, quantity,
	unit_minor, discount_minor, amount_minor)
	SELECT o.id, o.product_id, p.creator_id, o.quantity,
	o.amount_minor / o.quantity, 0, o.amount_minor
	FROM orders o JOIN products p ON p.id = o.product_id;

-- Seats are held per ticket line: an order may hold seats of several
-- events. Rebuilt because the key changes (order_id alone before).
CREATE TABLE reservations_new (
	order_id	INTEGER NOT NULL REFERENCES orders(id),
	product_id	INTEGER NOT NULL REFERENCES products(id),
	seats		INTEGER NOT NULL CHECK (seats > 0),
	PRIMARY KEY (order_id, product_id)
) WITHOUT ROWID;
INSERT INTO reservations_new(order_id, product_id, seats)
	SELECT order_id, product_id, seats FROM reservations;
DROP TABLE reservations;
ALTER TABLE reservations_new RENAME TO reservations;
CREATE INDEX reservations_product ON reservations(product_id);

-- One row per order that used a code. A use counts while its order is
-- pending or paid (an order that failed or expired gives its use back);
-- counted inside order_create's BEGIN IMMEDIATE, so the last use goes to
-- exactly one buyer.
CREATE TABLE discount_uses (
	discount_id	INTEGER NOT NULL REFERENCES discount_codes(id),
	order_id	INTEGER NOT NULL REFERENCES orders(id),
	customer_id	INTEGER NOT NULL REFERENCES customers(id),
	amount_minor	INTEGER NOT NULL CHECK (amount_minor >= 0),
	created_at	INTEGER NOT NULL,
	PRIMARY KEY (discount_id, order_id)
) WITHOUT ROWID;
CREATE INDEX discount_uses_customer ON discount_uses(discount_id, customer_id);
CREATE INDEX discount_uses_order ON discount_uses(order_id);

-- Pay what you want: when pwyw = 1 the buyer types the amount; price_minor
-- is then the minimum (0 allowed: a free product that takes gifts) and
-- suggested_minor the amount the form proposes.
ALTER TABLE products ADD COLUMN pwyw INTEGER NOT NULL DEFAULT 0
	CHECK (pwyw IN (0, 1));
ALTER TABLE products ADD COLUMN suggested_minor INTEGER
	CHECK (suggested_minor IS NULL OR suggested_minor >= 0);

-- Paid units of each product, for the catalog's ?sort=popular: kept by
-- the triggers below on every way a line becomes or stops being paid (an
-- order turning paid, a paid order refunded, a line written to an order
-- already paid), so sorting reads one column instead of summing every
-- paid line of every product on each request.
ALTER TABLE products ADD COLUMN sales INTEGER NOT NULL DEFAULT 0
	CHECK (sales >= 0);
-- (CROSS JOIN: from the product's lines to their orders; left to itself
-- the planner walks every paid order for each product.)
UPDATE products SET sales = (SELECT coalesce(sum(l.quantity), 0)
	FROM order_lines l CROSS JOIN orders o ON o.id = l.order_id
	WHERE l.product_id = products.id AND o.status = 'paid');
CREATE TRIGGER order_paid_sales AFTER UPDATE OF status ON orders
	WHEN NEW.status = 'paid' AND OLD.status <> 'paid'
BEGIN
	UPDATE products SET sales = sales + (SELECT l.quantity
		FROM order_lines l WHERE l.order_id = NEW.id
		AND l.product_id = products.id)
	WHERE id IN (SELECT product_id FROM order_lines
		WHERE order_id = NEW.id);
END;
CREATE TRIGGER order_unpaid_sales AFTER UPDATE OF status ON orders
	WHEN OLD.status = 'paid' AND NEW.status <> 'paid'
BEGIN
	UPDATE products SET sales = max(0, sales - (SELECT l.quantity
		FROM order_lines l WHERE l.order_id = NEW.id
		AND l.product_id = products.id))
	WHERE id IN (SELECT product_id FROM order_lines
		WHERE order_id = NEW.id);
END;
CREATE TRIGGER order_line_sales AFTER INSERT ON order_lines
	WHEN (SELECT status FROM orders WHERE id = NEW.order_id) = 'paid'
BEGIN
	UPDATE products SET sales = sales + NEW.quantity
	WHERE id = NEW.product_id;
END;

-- Tags: lower-case words ([a-z0-9-], 1–32), at most 8 per product.
CREATE TABLE product_tags (
	product_id	INTEGER NOT NULL REFERENCES products(id) ON DELETE CASCADE,
	tag		TEXT NOT NULL CHECK (length(tag) BETWEEN 1 AND 32
			  AND tag NOT GLOB '*[^a-z0-9-]*'),
	PRIMARY KEY (product_id, tag)
) WITHOUT ROWID;
CREATE INDEX product_tags_tag ON product_tags(tag, product_id);

-- Email, the second channel. A buyer may give an address at checkout: it
-- is kept on the customer (the latest one given) and on the order.
ALTER TABLE customers ADD COLUMN email TEXT;
CREATE INDEX customers_email ON customers(email) WHERE email IS NOT NULL;
ALTER TABLE orders ADD COLUMN email TEXT;

-- A message goes out on one channel; an email message has to_email (and
-- keeps to_phone, the library's key, for the console).
ALTER TABLE messages ADD COLUMN channel TEXT NOT NULL DEFAULT 'whatsapp'
	CHECK (channel IN ('whatsapp', 'email'));
ALTER TABLE messages ADD COLUMN to_email TEXT;

-- Addresses that asked for no more mail but receipts (List-Unsubscribe):
-- keyed hash of the lower-cased address (tok_hash), never the address.
CREATE TABLE mail_optout (
	email_hash	BLOB PRIMARY KEY,
	at		INTEGER NOT NULL
) WITHOUT ROWID;

-- A library link sent by email opens only what was bought with that
-- address (orders.email), never the phone's whole library: whoever typed a
-- stranger's phone with their own address must not read the stranger's
-- purchases. email NULL: the phone's key (sent only to the phone), as
-- before; at most one live key of each kind per customer (and address).
ALTER TABLE library_keys ADD COLUMN email TEXT;
DROP INDEX library_keys_live;
CREATE UNIQUE INDEX library_keys_live ON library_keys(customer_id)
	WHERE revoked_at IS NULL AND email IS NULL;
CREATE UNIQUE INDEX library_keys_mail ON library_keys(customer_id, email)
	WHERE revoked_at IS NULL AND email IS NOT NULL;
CREATE INDEX orders_email ON orders(email, status) WHERE email IS NOT NULL;
