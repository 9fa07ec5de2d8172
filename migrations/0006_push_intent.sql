-- Push intent (payments owner): the worker records that it is about to send
-- an STK push, and commits it, BEFORE the HTTP call. A payment with
-- push_started_at set and no provider_ref is never pushed again (a crash
-- between Daraja's reply and our write would otherwise prompt the buyer
-- twice): it waits for the callback of that first push, which is adopted
-- by phone and amount (payment_adopt_callback), until it expires.
ALTER TABLE payments ADD COLUMN push_started_at INTEGER;

-- Adoption looks up the pushes still waiting for their CheckoutRequestID.
CREATE INDEX payments_push_intent ON payments(phone, push_started_at)
	WHERE push_started_at IS NOT NULL AND provider_ref IS NULL;
