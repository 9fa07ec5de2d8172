-- Nyota schema, version 1. Times are Unix seconds (UTC). Money is an
-- integer in minor units with an ISO currency. Phones are E.164 digits.
-- Secrets (TOTP secrets, library tokens, invite codes) are never stored in
-- clear: secretbox or a keyed hash (see shared/crypto.h).

CREATE TABLE settings (
	key	TEXT PRIMARY KEY,
	value	TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE creators (
	id		INTEGER PRIMARY KEY,
	handle		TEXT NOT NULL UNIQUE
			CHECK (length(handle) BETWEEN 2 AND 32
			  AND handle GLOB '[a-z]*'
			  AND handle NOT GLOB '*[^a-z0-9_-]*'),
	display_name	TEXT NOT NULL DEFAULT '',
	bio		TEXT NOT NULL DEFAULT '',
	locale		TEXT NOT NULL DEFAULT 'en' CHECK (locale IN ('en', 'sw')),
	totp_secret	BLOB,			-- secretbox(nonce || box); NULL: not enrolled
	totp_last_step	INTEGER NOT NULL DEFAULT 0,	-- replay guard
	created_at	INTEGER NOT NULL,
	disabled_at	INTEGER
);

CREATE TABLE creator_keys (
	id		INTEGER PRIMARY KEY,
	creator_id	INTEGER NOT NULL REFERENCES creators(id) ON DELETE CASCADE,
	fingerprint	TEXT NOT NULL UNIQUE,	-- "SHA256:…"
	comment		TEXT NOT NULL DEFAULT '',
	created_at	INTEGER NOT NULL
);
CREATE INDEX creator_keys_creator ON creator_keys(creator_id);

CREATE TABLE invites (
	id		INTEGER PRIMARY KEY,
	code_hash	BLOB NOT NULL UNIQUE,
	created_by	INTEGER REFERENCES creators(id) ON DELETE SET NULL,
	created_at	INTEGER NOT NULL,
	expires_at	INTEGER NOT NULL,
	used_at		INTEGER,
	used_by		INTEGER REFERENCES creators(id) ON DELETE SET NULL
);

CREATE TABLE blobs (
	sha256		TEXT PRIMARY KEY CHECK (length(sha256) = 64
			  AND sha256 NOT GLOB '*[^0-9a-f]*'),
	size		INTEGER NOT NULL CHECK (size >= 0),
	mime		TEXT NOT NULL,
	created_at	INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE products (
	id		INTEGER PRIMARY KEY,
	creator_id	INTEGER NOT NULL REFERENCES creators(id),
	slug		TEXT NOT NULL UNIQUE
			CHECK (length(slug) BETWEEN 1 AND 80
			  AND slug NOT GLOB '*[^a-z0-9-]*'),
	kind		TEXT NOT NULL
			CHECK (kind IN ('download', 'subscription', 'ticket', 'webinar')),
	title		TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
	summary		TEXT NOT NULL DEFAULT '',
	story_md	TEXT NOT NULL DEFAULT '',
	price_minor	INTEGER NOT NULL CHECK (price_minor >= 0),
	currency	TEXT NOT NULL CHECK (currency IN ('KES', 'TZS', 'UGX', 'USD')),
	status		TEXT NOT NULL DEFAULT 'draft'
			CHECK (status IN ('draft', 'published', 'archived')),
	cover_sha256	TEXT REFERENCES blobs(sha256),
	period_days	INTEGER CHECK (period_days IS NULL OR period_days > 0),
	starts_at	INTEGER,
	venue		TEXT,
	capacity	INTEGER CHECK (capacity IS NULL OR capacity >= 0),
	join_url	TEXT,
	download_limit	INTEGER CHECK (download_limit IS NULL OR download_limit > 0),
	created_at	INTEGER NOT NULL,
	updated_at	INTEGER NOT NULL,
	published_at	INTEGER,
	CHECK (kind <> 'subscription' OR period_days IS NOT NULL),
	CHECK (kind <> 'ticket' OR (starts_at IS NOT NULL AND capacity IS NOT NULL)),
	CHECK (kind <> 'webinar' OR starts_at IS NOT NULL)
);
CREATE INDEX products_creator ON products(creator_id, status);
CREATE INDEX products_public ON products(status, published_at DESC, id DESC);
CREATE INDEX products_kind ON products(status, kind, published_at DESC);

CREATE TABLE product_files (
	id		INTEGER PRIMARY KEY,
	product_id	INTEGER NOT NULL REFERENCES products(id) ON DELETE CASCADE,
	name		TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 255
			  AND name NOT LIKE '%/%'),
	sha256		TEXT NOT NULL REFERENCES blobs(sha256),
	position	INTEGER NOT NULL DEFAULT 0,
	UNIQUE (product_id, name)
);
CREATE INDEX product_files_blob ON product_files(sha256);

CREATE TABLE customers (
	id		INTEGER PRIMARY KEY,
	phone		TEXT NOT NULL UNIQUE
			CHECK (length(phone) BETWEEN 8 AND 15
			  AND phone NOT GLOB '*[^0-9]*'),
	locale		TEXT NOT NULL DEFAULT 'en' CHECK (locale IN ('en', 'sw')),
	created_at	INTEGER NOT NULL
);

CREATE TABLE library_keys (
	id		INTEGER PRIMARY KEY,
	customer_id	INTEGER NOT NULL REFERENCES customers(id),
	-- The token is derived, never stored: token = base64url(HMAC(master
	-- subkey, salt)), so the server can put the link in any later message
	-- while a copy of the database alone opens nothing. Lookups go
	-- through token_hash (keyed hash of the token).
	salt		BLOB NOT NULL CHECK (length(salt) = 32),
	token_hash	BLOB NOT NULL UNIQUE,
	created_at	INTEGER NOT NULL,
	revoked_at	INTEGER
);
-- at most one live key per customer
CREATE UNIQUE INDEX library_keys_live ON library_keys(customer_id)
	WHERE revoked_at IS NULL;

CREATE TABLE orders (
	id		INTEGER PRIMARY KEY,
	ref		TEXT NOT NULL UNIQUE,
	customer_id	INTEGER NOT NULL REFERENCES customers(id),
	product_id	INTEGER NOT NULL REFERENCES products(id),
	quantity	INTEGER NOT NULL DEFAULT 1 CHECK (quantity BETWEEN 1 AND 100),
	amount_minor	INTEGER NOT NULL CHECK (amount_minor >= 0),
	currency	TEXT NOT NULL CHECK (currency IN ('KES', 'TZS', 'UGX', 'USD')),
	status		TEXT NOT NULL DEFAULT 'pending'
			CHECK (status IN ('pending', 'paid', 'failed', 'expired', 'refunded')),
	locale		TEXT NOT NULL DEFAULT 'en' CHECK (locale IN ('en', 'sw')),
	idem_key	TEXT UNIQUE,		-- a double-submitted form gives the same order
	failure		TEXT,			-- reason code when failed/expired
	client_addr	TEXT,
	created_at	INTEGER NOT NULL,
	updated_at	INTEGER NOT NULL,
	expires_at	INTEGER NOT NULL,	-- pending → expired after this
	paid_at		INTEGER
);
CREATE INDEX orders_customer ON orders(customer_id, created_at DESC);
CREATE INDEX orders_product ON orders(product_id, status);
CREATE INDEX orders_status ON orders(status, expires_at);
CREATE INDEX orders_created ON orders(created_at DESC);

CREATE TABLE payments (
	id		INTEGER PRIMARY KEY,
	order_id	INTEGER NOT NULL UNIQUE REFERENCES orders(id),
	provider	TEXT NOT NULL CHECK (provider IN ('sim', 'mpesa')),
	phone		TEXT NOT NULL,
	amount_minor	INTEGER NOT NULL CHECK (amount_minor >= 0),
	status		TEXT NOT NULL DEFAULT 'new'
			CHECK (status IN ('new', 'pending', 'paid', 'failed', 'expired')),
	provider_ref	TEXT UNIQUE,		-- CheckoutRequestID / sim ref
	receipt		TEXT UNIQUE,		-- MpesaReceiptNumber
	result_code	INTEGER,
	result_desc	TEXT,
	raw_callback	TEXT,
	attempts	INTEGER NOT NULL DEFAULT 0,
	next_attempt_at	INTEGER NOT NULL DEFAULT 0,
	created_at	INTEGER NOT NULL,
	updated_at	INTEGER NOT NULL
);
CREATE INDEX payments_work ON payments(status, next_attempt_at);

CREATE TABLE entitlements (
	id		INTEGER PRIMARY KEY,
	customer_id	INTEGER NOT NULL REFERENCES customers(id),
	product_id	INTEGER NOT NULL REFERENCES products(id),
	order_id	INTEGER NOT NULL REFERENCES orders(id),	-- latest order
	starts_at	INTEGER NOT NULL,
	expires_at	INTEGER,		-- NULL: forever
	revoked_at	INTEGER,
	reminded_at	INTEGER,		-- subscription end reminder sent
	UNIQUE (customer_id, product_id)
);
CREATE INDEX entitlements_expiry ON entitlements(expires_at)
	WHERE expires_at IS NOT NULL;

CREATE TABLE tickets (
	id		INTEGER PRIMARY KEY,
	order_id	INTEGER NOT NULL REFERENCES orders(id),
	product_id	INTEGER NOT NULL REFERENCES products(id),
	customer_id	INTEGER NOT NULL REFERENCES customers(id),
	code		TEXT NOT NULL UNIQUE,
	checked_in_at	INTEGER,
	created_at	INTEGER NOT NULL
);
CREATE INDEX tickets_order ON tickets(order_id);
CREATE INDEX tickets_customer ON tickets(customer_id);

-- Seats held by pending ticket orders; released when the order ends.
CREATE TABLE reservations (
	order_id	INTEGER PRIMARY KEY REFERENCES orders(id),
	product_id	INTEGER NOT NULL REFERENCES products(id),
	seats		INTEGER NOT NULL CHECK (seats > 0)
);
CREATE INDEX reservations_product ON reservations(product_id);

CREATE TABLE downloads (
	id		INTEGER PRIMARY KEY,
	entitlement_id	INTEGER NOT NULL REFERENCES entitlements(id),
	file_id		INTEGER NOT NULL REFERENCES product_files(id),
	at		INTEGER NOT NULL,
	addr		TEXT
);
CREATE INDEX downloads_ent ON downloads(entitlement_id, file_id);

CREATE TABLE messages (
	id		INTEGER PRIMARY KEY,
	customer_id	INTEGER REFERENCES customers(id),
	to_phone	TEXT NOT NULL,
	kind		TEXT NOT NULL,		-- receipt, library_link, reminder, automation
	locale		TEXT NOT NULL DEFAULT 'en' CHECK (locale IN ('en', 'sw')),
	body		TEXT NOT NULL,		-- without secrets; {link} marks the link
	library_key_id	INTEGER REFERENCES library_keys(id),	-- link made at send time
	params		TEXT NOT NULL DEFAULT '[]',	-- JSON template parameters
	dedupe_key	TEXT UNIQUE,		-- never queue the same message twice
	status		TEXT NOT NULL DEFAULT 'queued'
			CHECK (status IN ('queued', 'sending', 'sent', 'failed')),
	attempts	INTEGER NOT NULL DEFAULT 0,
	next_attempt_at	INTEGER NOT NULL DEFAULT 0,
	last_error	TEXT,
	provider_id	TEXT,
	order_id	INTEGER REFERENCES orders(id),
	created_at	INTEGER NOT NULL,
	sent_at		INTEGER
);
CREATE INDEX messages_work ON messages(status, next_attempt_at);
CREATE INDEX messages_customer ON messages(customer_id);

CREATE TABLE automations (
	id		INTEGER PRIMARY KEY,
	product_id	INTEGER NOT NULL REFERENCES products(id) ON DELETE CASCADE,
	trigger		TEXT NOT NULL
			CHECK (trigger IN ('purchase', 'before_start', 'before_end')),
	offset_minutes	INTEGER NOT NULL DEFAULT 0 CHECK (offset_minutes >= 0),
	body_en		TEXT NOT NULL,
	body_sw		TEXT NOT NULL,
	enabled		INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
	created_at	INTEGER NOT NULL
);
CREATE INDEX automations_product ON automations(product_id);

-- One row per automation fired for an entitlement: never twice.
CREATE TABLE automation_runs (
	automation_id	INTEGER NOT NULL REFERENCES automations(id) ON DELETE CASCADE,
	entitlement_id	INTEGER NOT NULL REFERENCES entitlements(id),
	message_id	INTEGER REFERENCES messages(id),
	at		INTEGER NOT NULL,
	PRIMARY KEY (automation_id, entitlement_id)
);

CREATE TABLE events (
	seq		INTEGER PRIMARY KEY AUTOINCREMENT,
	kind		TEXT NOT NULL,
	row_id		INTEGER NOT NULL,
	at		INTEGER NOT NULL
);

CREATE TABLE audit_log (
	id		INTEGER PRIMARY KEY,
	at		INTEGER NOT NULL,
	actor		TEXT NOT NULL,		-- "creator:amani", "system", "cli"
	action		TEXT NOT NULL,
	detail		TEXT NOT NULL DEFAULT '',
	addr		TEXT
);
CREATE INDEX audit_log_at ON audit_log(at);

CREATE TABLE login_attempts (
	id		INTEGER PRIMARY KEY,
	at		INTEGER NOT NULL,
	handle		TEXT NOT NULL,
	addr		TEXT NOT NULL,
	ok		INTEGER NOT NULL CHECK (ok IN (0, 1))
);
CREATE INDEX login_attempts_handle ON login_attempts(handle, at);
CREATE INDEX login_attempts_addr ON login_attempts(addr, at);

-- Full-text search over the public text of products, kept in sync by
-- triggers (external content: the text lives once, in products).
CREATE VIRTUAL TABLE products_fts USING fts5(
	title, summary, story_md,
	content = 'products', content_rowid = 'id',
	tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
);
CREATE TRIGGER products_fts_ai AFTER INSERT ON products BEGIN
	INSERT INTO products_fts(rowid, title, summary, story_md)
	VALUES (new.id, new.title, new.summary, new.story_md);
END;
CREATE TRIGGER products_fts_ad AFTER DELETE ON products BEGIN
	INSERT INTO products_fts(products_fts, rowid, title, summary, story_md)
	VALUES ('delete', old.id, old.title, old.summary, old.story_md);
END;
CREATE TRIGGER products_fts_au AFTER UPDATE OF title, summary, story_md
ON products BEGIN
	INSERT INTO products_fts(products_fts, rowid, title, summary, story_md)
	VALUES ('delete', old.id, old.title, old.summary, old.story_md);
	INSERT INTO products_fts(rowid, title, summary, story_md)
	VALUES (new.id, new.title, new.summary, new.story_md);
END;
