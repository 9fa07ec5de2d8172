-- The console's second round (docs/console.md): drafts that survive a
-- dropped connection, audit lines a creator can read, sale alerts.
--
-- console_drafts keeps, per creator, the screen they were working in
-- (today only the product wizard) and its state as JSON, written at every
-- step and while the story is typed; the next login offers to continue.
CREATE TABLE console_drafts (
	creator_id	INTEGER PRIMARY KEY REFERENCES creators(id) ON DELETE CASCADE,
	screen		TEXT NOT NULL CHECK (screen IN ('wizard')),
	state		TEXT NOT NULL,		-- JSON, the screen's own format
	updated_at	INTEGER NOT NULL
);

-- The creator an audit line concerns (NULL for the operator's own lines),
-- so the console shows a creator their lines without a scan.
ALTER TABLE audit_log ADD COLUMN creator_id INTEGER REFERENCES creators(id);
CREATE INDEX audit_log_creator ON audit_log(creator_id, id);

-- Sale alerts to the creator's own WhatsApp number: off, one message per
-- sale, or one summary a day at hour (East Africa Time). The number is
-- used only once verified with a code sent to it (code_hash: the code's
-- keyed hash, tok_hash_ctx, so a copy of the database cannot try the
-- million codes; 10 minutes, at most 5 tries before a new code).
CREATE TABLE sale_alerts (
	creator_id	INTEGER PRIMARY KEY REFERENCES creators(id) ON DELETE CASCADE,
	phone		TEXT NOT NULL,		-- E.164 without '+'
	mode		TEXT NOT NULL DEFAULT 'off'
			CHECK (mode IN ('off', 'each', 'daily')),
	hour		INTEGER NOT NULL DEFAULT 20 CHECK (hour BETWEEN 0 AND 23),
	verified_at	INTEGER,		-- NULL: phone not verified yet
	code_hash	TEXT,
	code_expires	INTEGER,
	code_tries	INTEGER NOT NULL DEFAULT 0,
	last_daily	TEXT			-- 'YYYY-MM-DD' (EAT) of the last summary
);
CREATE INDEX sale_alerts_daily ON sale_alerts(mode, hour) WHERE mode = 'daily';
