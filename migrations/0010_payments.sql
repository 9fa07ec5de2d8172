-- Payment methods, card payments and refunds (docs/payments.md).
--
-- payments is rebuilt (SQLite cannot change a CHECK constraint in place)
-- so a payment may be made through 'stripe', and gains what a card
-- payment brings: the Checkout Session's URL (a double-submitted form goes
-- back to the same session), and the card's brand and last four digits
-- for the buyer's receipt. Nothing references payments, so the copy keeps
-- every id and foreign key as it was.
CREATE TABLE payments_new (
	id		INTEGER PRIMARY KEY,
	order_id	INTEGER NOT NULL UNIQUE REFERENCES orders(id),
	provider	TEXT NOT NULL CHECK (provider IN ('sim', 'mpesa', 'stripe')),
	phone		TEXT NOT NULL,
	amount_minor	INTEGER NOT NULL CHECK (amount_minor >= 0),
	status		TEXT NOT NULL DEFAULT 'new'
			CHECK (status IN ('new', 'pending', 'paid', 'failed', 'expired')),
	provider_ref	TEXT UNIQUE,		-- CheckoutRequestID / sim ref / cs_…
	receipt		TEXT UNIQUE,		-- MpesaReceiptNumber / pi_…
	result_code	INTEGER,
	result_desc	TEXT,
	raw_callback	TEXT,
	attempts	INTEGER NOT NULL DEFAULT 0,
	next_attempt_at	INTEGER NOT NULL DEFAULT 0,
	created_at	INTEGER NOT NULL,
	updated_at	INTEGER NOT NULL,
	push_started_at	INTEGER,
	checkout_url	TEXT,			-- Stripe Checkout Session URL
	card_brand	TEXT,			-- "visa", … (Stripe)
	card_last4	TEXT
);
INSERT INTO payments_new(id, order_id, provider, phone, amount_minor, status,
	provider_ref, receipt, result_code, result_desc, raw_callback, attempts,
	next_attempt_at, created_at, updated_at, push_started_at)
	SELECT id, order_id, provider, phone, amount_minor, status,
	provider_ref, receipt, result_code, result_desc, raw_callback, attempts,
	next_attempt_at, created_at, updated_at, push_started_at FROM payments;
DROP TABLE payments;
ALTER TABLE payments_new RENAME TO payments;
CREATE INDEX payments_work ON payments(status, next_attempt_at);
CREATE INDEX payments_push_intent ON payments(phone, push_started_at)
	WHERE push_started_at IS NOT NULL AND provider_ref IS NULL;

-- Webhook events already applied (Stripe sends each one at least once,
-- possibly out of order): an event id is applied once.
CREATE TABLE webhook_events (
	id		TEXT PRIMARY KEY,	-- evt_…
	provider	TEXT NOT NULL,
	type		TEXT NOT NULL,
	order_id	INTEGER REFERENCES orders(id),
	received_at	INTEGER NOT NULL
);
CREATE INDEX webhook_events_order ON webhook_events(order_id)
	WHERE order_id IS NOT NULL;

-- Refunds (refund.h): at most one per order, always the whole amount.
-- how: 'api' (the provider's refund or reversal API), 'hand' (the creator
-- sent the money back and typed the M-Pesa code), 'sim'. A refund that
-- failed may be tried again: the row is reused.
CREATE TABLE refunds (
	id		INTEGER PRIMARY KEY,
	order_id	INTEGER NOT NULL UNIQUE REFERENCES orders(id),
	payment_id	INTEGER NOT NULL REFERENCES payments(id),
	provider	TEXT NOT NULL,
	how		TEXT NOT NULL CHECK (how IN ('api', 'hand', 'sim')),
	status		TEXT NOT NULL DEFAULT 'pending'
			CHECK (status IN ('pending', 'done', 'failed')),
	amount_minor	INTEGER NOT NULL CHECK (amount_minor >= 0),
	currency	TEXT NOT NULL,
	provider_ref	TEXT UNIQUE,		-- re_… / Daraja ConversationID
	manual_code	TEXT,			-- M-Pesa code of a refund by hand
	reason		TEXT,
	actor		TEXT NOT NULL,		-- who asked (creator handle, "cli")
	raw		TEXT,			-- provider's answer, for audit
	error		TEXT,
	attempts	INTEGER NOT NULL DEFAULT 0,
	next_attempt_at	INTEGER NOT NULL DEFAULT 0,
	created_at	INTEGER NOT NULL,
	updated_at	INTEGER NOT NULL,
	done_at		INTEGER
);
CREATE INDEX refunds_work ON refunds(status, next_attempt_at);
CREATE INDEX refunds_payment ON refunds(payment_id);

-- A buyer's orders in the library ("Your orders") and the refund list
-- read orders by customer and status; orders_customer covers the first.
