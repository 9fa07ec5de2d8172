/*
 * order-bench: order pipeline throughput (checkout → paid → entitled →
 * receipt queued: order_create + payment_settle, two transactions per
 * order) beside the raw SQLite commit rate (one-row BEGIN IMMEDIATE /
 * INSERT / COMMIT) on the same disk, same settings (WAL,
 * synchronous=FULL), in the same run.
 *
 * usage: order-bench DIR SECONDS
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "db.h"
#include "i18n.h"
#include "log.h"
#include "order.h"
#include "payment.h"

static struct db *
bench_open(const char *dir, const char *name)
{
	char *path = xasprintf("%s/%s", dir, name), *cause = NULL;
	struct db *db;

	if (db_open(path, &db, &cause) != NY_OK || db_migrate(db, &cause) != NY_OK) {
		fprintf(stderr, "order-bench: %s\n", cause ? cause : "open");
		exit(1);
	}
	free(path);
	return db;
}

static double
raw_commits(struct db *db, int64_t secs)
{
	int64_t t0 = ny_now_ms(), n = 0;
	sqlite3_stmt *st;

	db_exec(db, "CREATE TABLE IF NOT EXISTS bench(x INTEGER)");
	while (ny_now_ms() - t0 < secs * 1000) {
		db_begin(db);
		st = db_stmt(db, "INSERT INTO bench(x) VALUES (?)");
		sqlite3_bind_int64(st, 1, n);
		sqlite3_step(st);
		sqlite3_reset(st);
		db_commit(db);
		n++;
	}
	return n * 1000.0 / (double)(ny_now_ms() - t0);
}

static double
pipeline(struct db *db, int64_t secs, int64_t *errors)
{
	int64_t t0 = ny_now_ms(), n = 0;
	struct order o;
	char phone[16];
	struct order_new in = {
		.product_id = 1, .quantity = 1, .locale = "sw",
		.provider = "sim", .phone = phone,
	};
	struct pay_result r = {
		.outcome = PAY_PAID, .amount_minor = 50000, .desc = "bench",
	};
	char receipt[32];

	db_exec(db, "INSERT INTO creators(id, handle, created_at) VALUES (1, 'bench', 0);"
	    "INSERT INTO products(id, creator_id, slug, kind, title, price_minor,"
	    " currency, status, created_at, updated_at) VALUES (1, 1, 'song',"
	    " 'download', 'Bench song', 50000, 'KES', 'published', 0, 0)");
	*errors = 0;
	while (ny_now_ms() - t0 < secs * 1000) {
		snprintf(phone, sizeof phone, "2547%08lld", (long long)(n % 5000));
		snprintf(receipt, sizeof receipt, "QB%010lld", (long long)n);
		r.receipt = receipt;
		if (order_create(db, &in, &o, NULL) != NY_OK ||
		    payment_settle(db, o.payment_id, NULL, &r, NULL) != NY_OK)
			(*errors)++;
		n++;
	}
	return n * 1000.0 / (double)(ny_now_ms() - t0);
}

int
main(int argc, char **argv)
{
	static const unsigned char key[32] = "bench-key-bench-key-bench-key-b";
	struct db *raw, *db;
	char *cause = NULL;
	int64_t secs = 3, errors;
	double c, p;

	if (argc < 2 || (argc > 2 &&
	    ny_parse_int(argv[2], 1, 3600, &secs) != NY_OK)) {
		fprintf(stderr, "usage: order-bench DIR [SECONDS]\n");
		return 2;
	}
	log_set_level(LOG_WARN);
	crypto_init_key(key);
	if (i18n_load(&cause) != NY_OK)
		return 1;
	raw = bench_open(argv[1], "raw.db");
	db = bench_open(argv[1], "pipe.db");
	c = raw_commits(raw, secs);
	p = pipeline(db, secs, &errors);
	printf("raw SQLite commits (1 row, WAL, synchronous=FULL): %.0f/s\n", c);
	printf("order pipeline (create+pay+entitle+queue, 2 commits): %.0f orders/s"
	    " (%.0f commits/s, %.0f%% of raw; %lld errors)\n", p, 2 * p,
	    100.0 * 2 * p / c, (long long)errors);
	db_close(raw);
	db_close(db);
	return 0;
}
