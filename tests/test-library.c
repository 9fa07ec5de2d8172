/*
 * test-library: library keys (derived tokens, rotate, revoke), fulfilment
 * idempotency, entitlements (subscription expiry and renewal on a test
 * clock), the library read model, download authorisation and limits,
 * recovery (same outcome for callers, rate limits) and the console's
 * resend (the function the Customers screen calls).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "download.h"
#include "entitlement.h"
#include "library.h"
#include "library-key.h"
#include "library-recover.h"
#include "library-fixture.h"
#include "mail.h"
#include "outbox.h"
#include "ticket.h"

START_TEST(key_ensure_token_resolve)
{
	struct db *db = lf_open(NULL);
	char tok[LIBRARY_KEY_TOKEN_MAX], tok2[LIBRARY_KEY_TOKEN_MAX];
	int64_t k1, k2, cid, kid;
	char *url;

	ck_assert_int_eq(db_begin(db), NY_OK);
	ck_assert_int_eq(library_key_ensure_tx(db, 1, &k1), NY_OK);
	ck_assert_int_eq(library_key_ensure_tx(db, 1, &k2), NY_OK);
	ck_assert_int_eq(db_commit(db), NY_OK);
	ck_assert_int_eq(k1, k2);
	ck_assert_int_eq(library_key_token(db, k1, tok), NY_OK);
	ck_assert_int_eq(strlen(tok), 43);
	ck_assert_int_eq(library_key_token(db, k1, tok2), NY_OK);
	ck_assert_str_eq(tok, tok2);		/* derived, stable */
	ck_assert_int_eq(library_key_resolve(db, tok, &cid, &kid), NY_OK);
	ck_assert_int_eq(cid, 1);
	ck_assert_int_eq(kid, k1);
	/* The token itself is nowhere in the database. */
	{
		sqlite3_stmt *st;

		ck_assert_int_eq(sqlite3_prepare_v2(db_sqlite(db),
		    "SELECT count(*) FROM library_keys WHERE instr(salt, ?1)"
		    " OR instr(token_hash, ?1)", -1, &st, NULL), SQLITE_OK);
		sqlite3_bind_blob(st, 1, tok, 16, SQLITE_STATIC);
		ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
		ck_assert_int_eq(sqlite3_column_int(st, 0), 0);
		sqlite3_finalize(st);
	}
	ck_assert_int_eq(library_key_url(db, "http://x", k1, &url), NY_OK);
	ck_assert_ptr_nonnull(strstr(url, tok));
	free(url);
	/* Malformed and unknown tokens. */
	ck_assert_int_eq(library_key_resolve(db, "", NULL, NULL), NY_ENOTFOUND);
	ck_assert_int_eq(library_key_resolve(db, "abc", NULL, NULL),
	    NY_ENOTFOUND);
	tok2[0] = tok2[0] == 'A' ? 'B' : 'A';
	ck_assert_int_eq(library_key_resolve(db, tok2, NULL, NULL),
	    NY_ENOTFOUND);
	ck_assert_int_eq(library_key_token(db, 999, tok2), NY_ENOTFOUND);
	db_close(db);
}
END_TEST

START_TEST(key_rotate_and_revoke)
{
	struct db *db = lf_open(NULL);
	char old[LIBRARY_KEY_TOKEN_MAX], cur[LIBRARY_KEY_TOKEN_MAX];
	int64_t k1, k2, k3, cid;

	ck_assert_int_eq(db_begin(db), NY_OK);
	ck_assert_int_eq(library_key_ensure_tx(db, 1, &k1), NY_OK);
	ck_assert_int_eq(db_commit(db), NY_OK);
	ck_assert_int_eq(library_key_token(db, k1, old), NY_OK);
	ck_assert_int_eq(library_key_rotate(db, 1, &k2), NY_OK);
	ck_assert_int_ne(k1, k2);
	ck_assert_int_eq(library_key_token(db, k2, cur), NY_OK);
	ck_assert_str_ne(old, cur);
	ck_assert_int_eq(library_key_resolve(db, old, NULL, NULL),
	    NY_ENOTFOUND);
	ck_assert_int_eq(library_key_resolve(db, cur, &cid, NULL), NY_OK);
	ck_assert_int_eq(cid, 1);
	ck_assert_int_eq(library_key_rotate(db, 77, NULL), NY_ENOTFOUND);
	/* A message queued with the old key carries the live one. */
	ck_assert_int_eq(library_key_current(db, k1), k2);
	ck_assert_int_eq(library_key_current(db, k2), k2);
	ck_assert_int_eq(library_key_current(db, 999), 999);
	ck_assert_int_eq(library_key_revoke(db, 1), NY_OK);
	ck_assert_int_eq(library_key_current(db, k1), k1);	/* none live */
	ck_assert_int_eq(library_key_resolve(db, cur, NULL, NULL),
	    NY_ENOTFOUND);
	ck_assert_int_eq(library_key_revoke(db, 1), NY_OK);	/* no key */
	ck_assert_int_eq(db_begin(db), NY_OK);
	ck_assert_int_eq(library_key_ensure_tx(db, 1, &k3), NY_OK);
	ck_assert_int_eq(db_commit(db), NY_OK);
	ck_assert_int_ne(k3, k2);
	ck_assert_int_eq(lf_scalar(db, "SELECT count(*) FROM library_keys"
	    " WHERE customer_id = 1 AND revoked_at IS NULL"), 1);
	db_close(db);
}
END_TEST

START_TEST(fulfil_once)
{
	struct db *db = lf_open(NULL);
	int64_t o = lf_order(db, 1, 3, 2, "paid"), k;
	sqlite3_stmt *st;

	ck_assert_int_eq(db_begin(db), NY_OK);
	ck_assert_int_eq(entitlement_fulfil_tx(db, o, "QWE123", LF_T0, &k), NY_OK);
	ck_assert_int_eq(entitlement_fulfil_tx(db, o, "QWE123", LF_T0, &k), NY_OK);
	ck_assert_int_eq(db_commit(db), NY_OK);
	ck_assert_int_eq(lf_scalar(db, "SELECT count(*) FROM tickets"), 2);
	ck_assert_int_eq(lf_scalar(db, "SELECT count(*) FROM entitlements"), 1);
	ck_assert_int_eq(lf_scalar(db, "SELECT count(*) FROM messages"), 1);
	st = db_stmt(db, "SELECT body, locale, library_key_id, kind, to_phone"
	    " FROM messages");
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	/* Swahili customer, the link is a placeholder, never the token. */
	ck_assert_ptr_nonnull(strstr((const char *)sqlite3_column_text(st, 0),
	    "{link}"));
	ck_assert_ptr_nonnull(strstr((const char *)sqlite3_column_text(st, 0),
	    "Asante"));
	ck_assert_ptr_nonnull(strstr((const char *)sqlite3_column_text(st, 0),
	    "QWE123"));
	ck_assert_str_eq((const char *)sqlite3_column_text(st, 1), "sw");
	ck_assert_int_eq(sqlite3_column_int64(st, 2), k);
	ck_assert_str_eq((const char *)sqlite3_column_text(st, 3), "receipt");
	ck_assert_str_eq((const char *)sqlite3_column_text(st, 4), LF_PHONE1);
	sqlite3_reset(st);
	/* Not paid: refused. */
	o = lf_order(db, 2, 1, 1, "pending");
	ck_assert_int_eq(db_begin(db), NY_OK);
	ck_assert_int_eq(entitlement_fulfil_tx(db, o, NULL, LF_T0, NULL),
	    NY_ESTATE);
	ck_assert_int_eq(entitlement_fulfil_tx(db, 9999, NULL, LF_T0, NULL),
	    NY_ENOTFOUND);
	db_rollback(db);
	db_close(db);
}
END_TEST

START_TEST(subscription_expiry_and_renewal)
{
	struct db *db = lf_open(NULL);
	struct dl_grant g;
	const int64_t day = 86400;

	lf_buy(db, 1, 2, 1);
	ck_assert_int_eq(lf_scalar(db, "SELECT expires_at FROM entitlements"),
	    LF_T0 + 30 * day);
	ck_assert_int_eq(download_authorize(db, 1, 3, LF_T0 + 29 * day, &g),
	    NY_OK);
	ck_assert_int_eq(download_authorize(db, 1, 3, LF_T0 + 30 * day, &g),
	    NY_EDENIED);
	/* Renewal before the end extends from the end … */
	ny_clock_set(LF_T0 + 10 * day);
	lf_buy(db, 1, 2, 1);
	ck_assert_int_eq(lf_scalar(db, "SELECT expires_at FROM entitlements"),
	    LF_T0 + 60 * day);
	/* … after the end, from now. */
	ny_clock_set(LF_T0 + 100 * day);
	ck_assert_int_eq(download_authorize(db, 1, 3, ny_now(), &g),
	    NY_EDENIED);
	lf_buy(db, 1, 2, 1);
	ck_assert_int_eq(lf_scalar(db, "SELECT expires_at FROM entitlements"),
	    LF_T0 + 130 * day);
	ck_assert_int_eq(download_authorize(db, 1, 3, ny_now(), &g), NY_OK);
	ck_assert_int_eq(lf_scalar(db, "SELECT count(*) FROM entitlements"), 1);
	ny_clock_set(LF_T0);
	db_close(db);
}
END_TEST

START_TEST(download_rules)
{
	struct db *db = lf_open(NULL);
	struct dl_grant g;
	int64_t o;

	o = lf_buy(db, 1, 1, 1);
	ck_assert_int_eq(download_authorize(db, 1, 1, LF_T0, &g), NY_OK);
	ck_assert_str_eq(g.name, "nights.zip");
	ck_assert_int_eq(g.size, 11);
	ck_assert_str_eq(g.mime, "application/zip");
	ck_assert_int_eq(g.limit, 2);
	/* Another buyer, a file of another product, no file. */
	ck_assert_int_eq(download_authorize(db, 2, 1, LF_T0, &g), NY_ENOTFOUND);
	ck_assert_int_eq(download_authorize(db, 1, 3, LF_T0, &g), NY_ENOTFOUND);
	ck_assert_int_eq(download_authorize(db, 1, 99, LF_T0, &g),
	    NY_ENOTFOUND);
	/* The limit counts per file; a reset starts again. */
	ck_assert_int_eq(download_authorize(db, 1, 1, LF_T0, &g), NY_OK);
	ck_assert_int_eq(download_log(db, g.entitlement_id, 1, "1.2.3.4",
	    LF_T0, -1), NY_OK);
	ck_assert_int_eq(download_log(db, g.entitlement_id, 1, NULL, LF_T0, -1),
	    NY_OK);
	ck_assert_int_eq(download_authorize(db, 1, 1, LF_T0, &g), NY_ELIMIT);
	ck_assert_int_eq(g.count, 2);
	ck_assert_int_eq(download_authorize(db, 1, 2, LF_T0, &g), NY_OK);
	ck_assert_int_eq(download_reset(db, 1, 1, LF_T0), NY_OK);
	ck_assert_int_eq(download_authorize(db, 1, 1, LF_T0 + 5, &g), NY_OK);
	ck_assert_int_eq(g.count, 0);
	ck_assert_int_eq(download_reset(db, 2, 1, LF_T0), NY_ENOTFOUND);
	/* The signed-URL lookup follows the entitlement. */
	ck_assert_int_eq(download_lookup(db, g.entitlement_id, 1, LF_T0, &g),
	    NY_OK);
	ck_assert_int_eq(download_lookup(db, g.entitlement_id, 3, LF_T0, &g),
	    NY_ENOTFOUND);
	/* A refund stops downloads. */
	ck_assert_int_eq(db_exec(db, "UPDATE orders SET status = 'refunded'"),
	    NY_OK);
	ck_assert_int_eq(download_authorize(db, 1, 1, LF_T0, &g), NY_EDENIED);
	ck_assert_int_eq(download_lookup(db, 1, 1, LF_T0, &g), NY_EDENIED);
	ck_assert_int_eq(db_exec(db, "UPDATE orders SET status = 'paid'"),
	    NY_OK);
	ck_assert_int_eq(db_begin(db), NY_OK);
	ck_assert_int_eq(entitlement_revoke_order_tx(db, o, LF_T0), NY_OK);
	ck_assert_int_eq(db_commit(db), NY_OK);
	ck_assert_int_eq(download_authorize(db, 1, 1, LF_T0, &g), NY_EDENIED);
	db_close(db);
}
END_TEST

START_TEST(items_grouped)
{
	struct db *db = lf_open(NULL);
	struct library lib;
	const struct lib_item *it;
	const struct lib_ticket *t;
	char typed[64];
	size_t i;

	lf_buy(db, 1, 4, 1);
	lf_buy(db, 1, 3, 2);
	lf_buy(db, 1, 2, 1);
	lf_buy(db, 1, 1, 1);
	lf_buy(db, 2, 1, 1);
	ck_assert_int_eq(library_items(db, 1, LF_T0, &lib), NY_OK);
	ck_assert_int_eq(lib.nitems, 4);
	ck_assert_str_eq(lib.phone, LF_PHONE1);
	ck_assert_str_eq(lib.locale, "sw");
	ck_assert_str_eq(lib.items[0].kind, "download");
	ck_assert_str_eq(lib.items[1].kind, "subscription");
	ck_assert_str_eq(lib.items[2].kind, "ticket");
	ck_assert_str_eq(lib.items[3].kind, "webinar");
	ck_assert_int_eq(lib.items[0].nfiles, 2);
	ck_assert_str_eq(lib.items[0].files[0].name, "nights.zip");
	ck_assert_str_eq(lib.items[0].creator, "Amani Studio");
	ck_assert_int_eq(lib.items[0].expires_at, 0);
	ck_assert_int_eq(lib.items[1].nfiles, 1);
	ck_assert_int_eq(lib.items[1].expires_at, LF_T0 + 30 * 86400);
	ck_assert_int_eq(lib.items[2].ntickets, 2);
	ck_assert_int_eq(lib.items[2].starts_at, LF_START);
	ck_assert_str_eq(lib.items[2].venue, "Alliance Française, Nairobi");
	ck_assert_str_eq(lib.items[3].join_url, "https://meet.example/xyz");
	for (i = 0; i < lib.nitems; i++)
		ck_assert_int_eq(lib.items[i].state, LIB_ACTIVE);
	/* A ticket by its code as typed. */
	snprintf(typed, sizeof typed, " %s ", lib.items[2].tickets[1].code);
	for (i = 0; typed[i]; i++)
		if (typed[i] >= 'A' && typed[i] <= 'Z')
			typed[i] = (char)(typed[i] - 'A' + 'a');
	ck_assert_int_eq(library_ticket(&lib, typed, &it, &t), NY_OK);
	ck_assert_ptr_eq(t, &lib.items[2].tickets[1]);
	ck_assert_int_eq(library_ticket(&lib, "nope", &it, &t), NY_ENOTFOUND);
	library_free(&lib);
	/* Expired subscription: no files, no join link when not active. */
	ck_assert_int_eq(library_items(db, 1, LF_T0 + 31 * 86400, &lib), NY_OK);
	ck_assert_int_eq(lib.items[1].state, LIB_EXPIRED);
	ck_assert_int_eq(lib.items[1].nfiles, 0);
	library_free(&lib);
	ck_assert_int_eq(library_items(db, 2, LF_T0, &lib), NY_OK);
	ck_assert_int_eq(lib.nitems, 1);
	library_free(&lib);
	ck_assert_int_eq(library_items(db, 42, LF_T0, &lib), NY_ENOTFOUND);
	db_close(db);
}
END_TEST

START_TEST(recover_alike_and_limited)
{
	struct db *db = lf_open(NULL);
	int queued, i;

	lf_buy(db, 1, 1, 1);
	ck_assert_int_eq(library_recover(db, LF_PHONE1, NULL, "10.0.0.1",
	    LF_T0, &queued), NY_OK);
	ck_assert_int_eq(queued, 1);
	ck_assert_int_eq(lf_scalar(db, "SELECT count(*) FROM messages"
	    " WHERE kind = 'library_link' AND body LIKE '%{link}%'"
	    " AND library_key_id IS NOT NULL"), 1);
	/* Customer 2 owns nothing; an unknown phone neither: same NY_OK. */
	ck_assert_int_eq(library_recover(db, LF_PHONE2, "X", "10.0.0.1",
	    LF_T0, &queued), NY_OK);
	ck_assert_int_eq(queued, 0);
	ck_assert_int_eq(library_recover(db, "254700000000", NULL, "10.0.0.1",
	    LF_T0, &queued), NY_OK);
	ck_assert_int_eq(queued, 0);
	/* A repeat inside ten minutes does not queue a second message. */
	ck_assert_int_eq(library_recover(db, LF_PHONE1, NULL, "10.0.0.2",
	    LF_T0 + 1, &queued), NY_OK);
	ck_assert_int_eq(lf_scalar(db, "SELECT count(*) FROM messages"
	    " WHERE kind = 'library_link'"), 1);
	/* Per (phone, address): 3 an hour; a stranger's three do not block
	 * the owner at another address. */
	for (i = 0; i < 3; i++)
		ck_assert_int_eq(library_recover(db, LF_PHONE1, NULL,
		    "10.0.0.3", LF_T0 + 2, &queued), NY_OK);
	ck_assert_int_eq(library_recover(db, LF_PHONE1, NULL, "10.0.0.3",
	    LF_T0 + 3, &queued), NY_ELIMIT);
	ck_assert_int_eq(library_recover(db, LF_PHONE1, NULL, "10.0.0.4",
	    LF_T0 + 3, &queued), NY_OK);
	ck_assert_int_eq(library_recover(db, LF_PHONE1, NULL, "10.0.0.3",
	    LF_T0 + 3700, &queued), NY_OK);
	/* Per phone from anywhere: 30 an hour (ten strangers' worth). */
	for (i = 0; i < 29; i++) {
		char addr[32];

		snprintf(addr, sizeof addr, "10.1.0.%d", i);
		ck_assert_int_eq(library_recover(db, LF_PHONE1, NULL, addr,
		    LF_T0 + 3701, NULL), NY_OK);
	}
	ck_assert_int_eq(library_recover(db, LF_PHONE1, NULL, "10.1.1.1",
	    LF_T0 + 3702, NULL), NY_ELIMIT);
	/* Per address: 10 an hour, whatever the phone. */
	for (i = 0; i < 10; i++) {
		char phone[16];

		snprintf(phone, sizeof phone, "2547000000%02d", i);
		ck_assert_int_eq(library_recover(db, phone, NULL, "10.9.9.9",
		    LF_T0, NULL), NY_OK);
	}
	ck_assert_int_eq(library_recover(db, "254711111111", NULL, "10.9.9.9",
	    LF_T0, NULL), NY_ELIMIT);
	db_close(db);
}
END_TEST

/*
 * A link sent by email opens only what was bought with that address:
 * someone who typed a stranger's phone with their own address must not
 * read the stranger's other purchases.
 */
START_TEST(mail_scope)
{
	struct db *db = lf_open(NULL);
	struct lib_keep k;
	struct outbox_msg m;
	char email[64], token[LIBRARY_KEY_TOKEN_MAX];
	int64_t o2, phone_key, mail_key, cust;
	int queued;

	lf_buy(db, 1, 1, 1);		/* the phone's own, no address */
	o2 = lf_order(db, 1, 2, 1, "paid");
	ck_assert_int_eq(db_exec(db, "UPDATE orders SET email ="
	    " 'buyer@example.com' WHERE id = (SELECT max(id) FROM orders)"),
	    NY_OK);
	/* The twin of a receipt: channel email, the address's own key. */
	memset(&m, 0, sizeof m);
	m.customer_id = 1;
	m.to_phone = LF_PHONE1;
	m.kind = "receipt";
	m.locale = "sw";
	m.body = "Asante {link}";
	m.dedupe_key = "receipt:test";
	m.order_id = o2;
	ck_assert_int_eq(db_begin(db), NY_OK);
	ck_assert_int_eq(library_key_ensure_tx(db, 1, &phone_key), NY_OK);
	m.library_key_id = phone_key;
	ck_assert_int_eq(mail_twin_tx(db, o2, &m), NY_OK);
	ck_assert_int_eq(db_commit(db), NY_OK);
	ck_assert_int_eq(lf_scalar(db, "SELECT count(*) FROM messages WHERE"
	    " channel = 'email' AND to_email = 'buyer@example.com' AND"
	    " dedupe_key = 'receipt:test:mail'"), 1);
	mail_key = lf_scalar(db, "SELECT library_key_id FROM messages"
	    " WHERE channel = 'email'");
	ck_assert_int_ne(mail_key, phone_key);
	ck_assert_int_eq(library_key_email(db, mail_key, email, sizeof email),
	    NY_OK);
	ck_assert_str_eq(email, "buyer@example.com");
	ck_assert_int_eq(library_key_email(db, phone_key, email, sizeof email),
	    NY_OK);
	ck_assert_str_eq(email, "");
	/* The address's key resolves to the customer, narrowed by address. */
	ck_assert_int_eq(library_key_token(db, mail_key, token), NY_OK);
	ck_assert_int_eq(library_key_resolve(db, token, &cust, NULL), NY_OK);
	ck_assert_int_eq(cust, 1);
	ck_assert_int_eq(library_keep_load(db, 1, 0, "buyer@example.com", &k),
	    NY_OK);
	ck_assert_int_eq(k.n, 1);
	ck_assert(library_keep_product(&k, 2));
	ck_assert(!library_keep_product(&k, 1));
	ck_assert(library_keep_order(&k, o2));
	library_keep_free(&k);
	/* Another customer's address finds nothing of customer 1. */
	ck_assert_int_eq(library_keep_load(db, 2, 0, "buyer@example.com", &k),
	    NY_OK);
	ck_assert_int_eq(k.n, 0);
	library_keep_free(&k);
	/* An order without an address has no twin. */
	m.dedupe_key = "receipt:none";
	ck_assert_int_eq(db_begin(db), NY_OK);
	ck_assert_int_eq(mail_twin_tx(db, o2 - 1, &m), NY_OK);
	ck_assert_int_eq(db_commit(db), NY_OK);
	ck_assert_int_eq(lf_scalar(db, "SELECT count(*) FROM messages WHERE"
	    " dedupe_key = 'receipt:none:mail'"), 0);
	/* Rotation cuts every link; an address's stale link is never
	 * upgraded to the phone's new key. */
	ck_assert_int_eq(library_key_rotate(db, 1, &phone_key), NY_OK);
	ck_assert_int_eq(library_key_resolve(db, token, NULL, NULL),
	    NY_ENOTFOUND);
	ck_assert_int_ne(library_key_current(db, mail_key), phone_key);
	/* Recovery by email: alike for an unknown address, the address's
	 * own link for a known one. */
	ck_assert_int_eq(library_recover_email(db, "nobody@example.com",
	    "10.0.0.1", LF_T0, &queued), NY_OK);
	ck_assert_int_eq(queued, 0);
	ck_assert_int_eq(library_recover_email(db, "buyer@example.com",
	    "10.0.0.1", LF_T0, &queued), NY_OK);
	ck_assert_int_eq(queued, 1);
	ck_assert_int_eq(lf_scalar(db, "SELECT count(*) FROM messages m"
	    " JOIN library_keys k ON k.id = m.library_key_id WHERE"
	    " m.kind = 'library_link' AND m.channel = 'email' AND"
	    " k.email = 'buyer@example.com' AND k.revoked_at IS NULL"), 1);
	ck_assert_int_eq(lf_scalar(db, "SELECT count(*) FROM messages"
	    " WHERE kind = 'library_link' AND channel = 'whatsapp'"), 0);
	db_close(db);
}
END_TEST

START_TEST(resend_after_rotate)
{
	struct db *db = lf_open(NULL);
	int64_t m1, m2;

	lf_buy(db, 1, 1, 1);
	ck_assert_int_eq(library_recover(db, LF_PHONE1, NULL, "1.1.1.1",
	    LF_T0, NULL), NY_OK);
	/* The console rotates and resends within the same ten minutes. */
	ck_assert_int_eq(library_key_rotate(db, 1, NULL), NY_OK);
	ck_assert_int_eq(library_recover_resend(db, 1, LF_T0 + 1, &m1), NY_OK);
	ck_assert_int_eq(library_recover_resend(db, 1, LF_T0 + 2, &m2), NY_OK);
	ck_assert_int_ne(m1, m2);
	ck_assert_int_eq(lf_scalar(db, "SELECT count(*) FROM messages WHERE"
	    " kind = 'library_link' AND library_key_id = (SELECT id FROM"
	    " library_keys WHERE customer_id = 1 AND revoked_at IS NULL)"), 2);
	ck_assert_int_eq(library_recover_resend(db, 99, LF_T0, NULL), NY_ENOTFOUND);
	db_close(db);
}
END_TEST

/*
 * The console's "resend link" (screen-customers.c calls exactly this):
 * neither the buyer's 10-minute dedupe nor the per-address throttle of
 * recovery applies, every press queues one new message, and a double
 * press in the same second says so instead of pretending.
 */
START_TEST(resend_console)
{
	struct db *db = lf_open(NULL);
	const char *links = "SELECT count(*) FROM messages"
	    " WHERE kind = 'library_link'";
	int64_t m1, m2, again = 0;
	int i;

	lf_buy(db, 1, 1, 1);
	/* The buyer asked on the web in this ten-minute slot. */
	ck_assert_int_eq(library_recover(db, LF_PHONE1, NULL, "10.0.0.1",
	    LF_T0, NULL), NY_OK);
	ck_assert_int_eq(lf_scalar(db, links), 1);
	ck_assert_int_eq(library_recover_resend(db, 1, LF_T0 + 1, &m1), NY_OK);
	ck_assert_int_eq(lf_scalar(db, links), 2);
	ck_assert_int_eq(lf_scalar(db, "SELECT count(*) FROM messages"
	    " WHERE kind = 'library_link' AND to_phone = '" LF_PHONE1 "'"
	    " AND locale = 'sw' AND body LIKE '%{link}%' AND library_key_id ="
	    " (SELECT id FROM library_keys WHERE customer_id = 1"
	    " AND revoked_at IS NULL)"), 2);
	/* A double press: nothing queued, and the answer says so. */
	ck_assert_int_eq(library_recover_resend(db, 1, LF_T0 + 1, &again),
	    NY_EEXISTS);
	ck_assert_int_eq(again, m1);
	ck_assert_int_eq(lf_scalar(db, links), 2);
	/* Whatever recovery's limits say about the "console" address (the
	 * old console went through them): every resend still queues. */
	for (i = 0; i < 12; i++) {
		char phone[16];

		snprintf(phone, sizeof phone, "2547000000%02d", i);
		library_recover(db, phone, NULL, "console", LF_T0 + 2, NULL);
	}
	ck_assert_int_eq(library_recover(db, LF_PHONE1, NULL, "console",
	    LF_T0 + 2, NULL), NY_ELIMIT);
	for (i = 0; i < 35; i++)
		ck_assert_int_eq(library_recover_resend(db, 1, LF_T0 + 3 + i,
		    &m2), NY_OK);
	ck_assert_int_ne(m2, m1);
	ck_assert_int_eq(lf_scalar(db, links), 2 + 35);
	ck_assert_int_eq(library_recover_resend(db, 99, LF_T0 + 60, NULL),
	    NY_ENOTFOUND);
	db_close(db);
}
END_TEST

static double
lf_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int
lf_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/*
 * Recovery must not tell a stranger, by its timing, whether a phone bought
 * anything: the known path queues a message in the same transaction, so
 * both cost one write transaction and the medians stay close. Known and
 * unknown calls alternate, each in a fresh hour and from a fresh address
 * so no limit or dedupe window short-cuts either path.
 */
START_TEST(recover_timing_alike)
{
	enum { N = 41 };
	struct db *db = lf_open(NULL);
	double known[N], unknown[N], t, mk, mu;
	int i, q;

	lf_buy(db, 1, 1, 1);
	for (i = 0; i < N; i++) {
		char addr[32];
		int64_t now = LF_T0 + (int64_t)(i + 1) * 3700;

		snprintf(addr, sizeof addr, "10.1.%d.1", i);
		t = lf_ms();
		ck_assert_int_eq(library_recover(db, LF_PHONE1, NULL, addr,
		    now, &q), NY_OK);
		known[i] = lf_ms() - t;
		ck_assert_int_eq(q, 1);
		snprintf(addr, sizeof addr, "10.2.%d.1", i);
		t = lf_ms();
		ck_assert_int_eq(library_recover(db, "254700123456", NULL, addr,
		    now, &q), NY_OK);
		unknown[i] = lf_ms() - t;
		ck_assert_int_eq(q, 0);
	}
	qsort(known, N, sizeof known[0], lf_cmp_double);
	qsort(unknown, N, sizeof unknown[0], lf_cmp_double);
	mk = known[N / 2];
	mu = unknown[N / 2];
	/* Within 2.5x of each other or 1 ms apart, whichever is looser:
	 * well under what a network round trip hides. */
	ck_assert_msg(mk <= mu * 2.5 + 1.0 && mu <= mk * 2.5 + 1.0,
	    "recovery timing differs: known %.3f ms, unknown %.3f ms", mk, mu);
	ck_assert_int_eq(lf_scalar(db, "SELECT count(*) FROM messages"
	    " WHERE kind = 'library_link'"), N);
	db_close(db);
}
END_TEST

START_TEST(time_format)
{
	char buf[40];

	library_time_fmt(0, buf, sizeof buf);
	ck_assert_str_eq(buf, "1970-01-01 03:00 EAT");
}
END_TEST

static Suite *
library_suite(void)
{
	Suite *s = suite_create("library");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, key_ensure_token_resolve);
	tcase_add_test(tc, key_rotate_and_revoke);
	tcase_add_test(tc, fulfil_once);
	tcase_add_test(tc, subscription_expiry_and_renewal);
	tcase_add_test(tc, download_rules);
	tcase_add_test(tc, items_grouped);
	tcase_add_test(tc, recover_alike_and_limited);
	tcase_add_test(tc, mail_scope);
	tcase_add_test(tc, resend_after_rotate);
	tcase_add_test(tc, resend_console);
	tcase_add_test(tc, recover_timing_alike);
	tcase_add_test(tc, time_format);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return run_suite(library_suite());
}
