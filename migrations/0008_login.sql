-- Console login throttling (shared/login.h).

-- The attempt was made after a public key registered to the handle had
-- signed in this connection. Only the key's holder can make such
-- attempts, so their failures are counted apart: a stranger's guesses
-- never slow down a creator who has a key.
ALTER TABLE login_attempts ADD COLUMN with_key INTEGER NOT NULL DEFAULT 0
	CHECK (with_key IN (0, 1));

-- Guesses are throttled per (handle, address) as well as per handle and
-- per address.
CREATE INDEX login_attempts_pair ON login_attempts(handle, addr, at);
