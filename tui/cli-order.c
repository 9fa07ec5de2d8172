/*
 * cli-order.c: `nyota-console order show REF` and `order refund REF`
 * (cli-order.h). Like the other admin commands they run as the operator,
 * on any creator's order, in the operator's language (i18n_env_lang);
 * the detail's labels are the console's own (keys tui.od.*), the lines
 * about the command cli.order.*.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "cli-order.h"
#include "crypto.h"
#include "i18n.h"
#include "money.h"
#include "order-detail.h"
#include "refund.h"
#include "ui.h"

/* What the command line asked. Strings point into argv. */
struct cli_order_args {
	const char	*verb;		/* "show" | "refund" */
	const char	*ref;
	const char	*reason;	/* or NULL */
	const char	*code;		/* --mpesa-code, or NULL */
};

/* The operator's language, the embedded locales loaded. NULL: broken. */
static const char *
co_lang(void)
{
	char *cause = NULL;

	if (i18n_load(&cause) != NY_OK) {
		fprintf(stderr, "nyota: locales: %s\n", cause);
		free(cause);
		return NULL;
	}
	return i18n_env_lang();
}

static int	co_fail(const char *lang, const char *key, ...)
		    __attribute__((sentinel));

/* The one-line error "nyota: <key rendered>" on stderr; returns 1. */
static int
co_fail(const char *lang, const char *key, ...)
{
	va_list ap;
	char *s;

	va_start(ap, key);
	s = i18n_vfmt(lang, key, ap);
	va_end(ap);
	fprintf(stderr, "nyota: %s\n", s);
	free(s);
	return 1;
}

/* The usage lines on stderr; returns 2. */
static int
co_usage(const char *lang)
{
	fprintf(stderr, "%s\n", i18n_get(lang, "cli.usage.order"));
	return 2;
}

/*
 * Takes the value of option name at argv[*i] ("--name=V" or "--name V")
 * into *v and returns 1; 0 when argv[*i] is not that option or lacks a
 * value.
 */
static int
co_opt(int argc, char **argv, int *i, const char *name, const char **v)
{
	size_t n = strlen(name);

	if (strncmp(argv[*i], name, n) != 0)
		return 0;
	if (argv[*i][n] == '=') {
		*v = argv[*i] + n + 1;
		return 1;
	}
	if (argv[*i][n] != '\0' || *i + 1 >= argc)
		return 0;
	*v = argv[++*i];
	return 1;
}

/* 1 when s is one of the options, alone or with "=value". */
static int
co_is_opt(const char *s)
{
	static const char *const opts[] = { "--reason", "--mpesa-code" };
	size_t i, n;

	for (i = 0; i < sizeof opts / sizeof opts[0]; i++) {
		n = strlen(opts[i]);
		if (strncmp(s, opts[i], n) == 0 &&
		    (s[n] == '\0' || s[n] == '='))
			return 1;
	}
	return 0;
}

/*
 * Parses argv ("order" VERB REF [options]); NY_OK or NY_EINVAL. REF is
 * always the third word, whatever its first character: a ref is
 * base64url, so one in 64 starts with '-' (one in 4096 with "--").
 */
static enum ny_err
co_parse(int argc, char **argv, struct cli_order_args *a)
{
	int i;

	memset(a, 0, sizeof *a);
	if (argc < 3 || (strcmp(argv[1], "show") != 0 &&
	    strcmp(argv[1], "refund") != 0) || argv[2][0] == '\0' ||
	    co_is_opt(argv[2]))
		return NY_EINVAL;
	a->verb = argv[1];
	a->ref = argv[2];
	for (i = 3; i < argc; i++) {
		if (strcmp(a->verb, "refund") != 0)
			return NY_EINVAL;
		if (!co_opt(argc, argv, &i, "--reason", &a->reason) &&
		    !co_opt(argc, argv, &i, "--mpesa-code", &a->code))
			return NY_EINVAL;
	}
	return NY_OK;
}

/* The labels co_field aligns. */
static const char *const co_labels[] = {
	"tui.od.title", "tui.od.status", "tui.od.product", "tui.od.amount",
	"tui.od.method", "tui.od.paid_with", "tui.od.buyer",
	"tui.od.provider_ref", "tui.od.refund", NULL
};

/* The column values start at: the widest label in lang, plus two. */
static int
co_column(const char *lang)
{
	int i, w, pad = 0;

	for (i = 0; co_labels[i] != NULL; i++)
		if ((w = ui_width(i18n_get(lang, co_labels[i]))) > pad)
			pad = w;
	return pad + 2;
}

/* "Label   value", the labels aligned by display width in lang. */
static void
co_field(const char *lang, const char *key, const char *value)
{
	const char *label = i18n_get(lang, key);
	int pad = co_column(lang) - ui_width(label);

	printf("%s%*s%s\n", label, pad > 0 ? pad : 1, "", value);
}

/* A cart's lines, one per row under the first's label. */
static void
co_show_lines(const char *lang, const struct order_detail *d)
{
	char v[512], money[64], kind[48];
	int i;

	for (i = 0; i < d->nlines; i++) {
		const struct order_line *l = &d->lines[i];

		snprintf(kind, sizeof kind, "tui.kind.%s", l->kind);
		snprintf(v, sizeof v, "%s · %s × %d · %s", l->title,
		    i18n_get(lang, kind), l->quantity, money_format(
		    l->amount_minor, d->order.currency, lang, money,
		    sizeof money));
		if (i == 0)
			co_field(lang, "tui.od.product", v);
		else
			printf("%*s%s\n", co_column(lang), "", v);
	}
}

/* The order's fields, as the console's detail shows them. */
static void
co_show_fields(const char *lang, const struct order_detail *d)
{
	const struct order *o = &d->order;
	const struct refund *r = &d->refund;
	char v[512], money[64], kind[48];

	co_field(lang, "tui.od.title", o->ref);
	co_field(lang, "tui.od.status", o->status == ORDER_EXPIRED &&
	    strcmp(o->failure, "late_refund") == 0 ?
	    i18n_get(lang, "tui.status.refund_due") :
	    i18n_word(lang, "tui.status.", order_status_name(o->status)));
	if (d->nlines <= 1) {
		snprintf(kind, sizeof kind, "tui.kind.%s", o->product_kind);
		snprintf(v, sizeof v, "%s · %s × %d", o->product_title,
		    i18n_get(lang, kind), o->quantity);
		co_field(lang, "tui.od.product", v);
	} else
		co_show_lines(lang, d);
	co_field(lang, "tui.od.amount", money_format(o->amount_minor,
	    o->currency, lang, money, sizeof money));
	co_field(lang, "tui.od.method", i18n_word(lang, "tui.od.method.",
	    o->provider));
	order_detail_means(d, v, sizeof v);
	if (v[0] != '\0')
		co_field(lang, "tui.od.paid_with", v);
	co_field(lang, "tui.od.buyer", o->phone_masked);
	if (d->provider_ref[0] != '\0')
		co_field(lang, "tui.od.provider_ref", d->provider_ref);
	if (!d->has_refund)
		return;
	snprintf(v, sizeof v, "%s · %s%s%s · %s%s%s%s%s", i18n_word(lang, "tui.od.rstatus.", r->status), i18n_word(lang, "tui.od.how.",
	    r->how), r->manual_code[0] ? " " : "", r->manual_code, r->actor,
	    r->reason[0] ? " · " : "", r->reason, r->error[0] ? " · " : "",
	    r->error);
	co_field(lang, "tui.od.refund", v);
}

/* The timeline and the messages, times in UTC (ISO 8601). */
static void
co_show_history(const char *lang, const struct order_detail *d)
{
	char tm[32];
	int i;

	printf("%s\n", i18n_get(lang, "tui.od.timeline"));
	for (i = 0; i < d->nsteps; i++) {
		ny_iso8601(d->steps[i].at, tm, sizeof tm);
		printf("  %s  %s%s%s\n", tm, i18n_word(lang, "tui.od.step.",
		    d->steps[i].what), d->steps[i].detail[0] ? " · " : "",
		    d->steps[i].detail);
	}
	printf("%s\n", i18n_get(lang, "tui.od.messages"));
	if (d->nmsgs == 0)
		printf("  %s\n", i18n_get(lang, "tui.od.no_messages"));
	for (i = 0; i < d->nmsgs; i++) {
		ny_iso8601(d->msgs[i].sent_at ? d->msgs[i].sent_at :
		    d->msgs[i].created_at, tm, sizeof tm);
		printf("  %s  %s · %s\n", tm, i18n_word(lang, "tui.mkind.",
		    d->msgs[i].kind), i18n_word(lang, "tui.mstatus.",
		    d->msgs[i].status));
	}
}

/* order show REF */
static int
co_show(const char *lang, struct db *db, const struct cli_order_args *a)
{
	struct order_detail *d = xcalloc(1, sizeof *d);
	enum ny_err rc = order_detail_get(db, 0, a->ref, 0, d);

	if (rc == NY_OK) {
		co_show_fields(lang, d);
		co_show_history(lang, d);
	}
	free(d);
	if (rc == NY_ENOTFOUND)
		return co_fail(lang, "cli.order.err.none", "ref", a->ref, NULL);
	if (rc != NY_OK)
		return co_fail(lang, "cli.order.err.read", "ref", a->ref,
		    "cause", ny_strerror(rc), NULL);
	return 0;
}

/* Why an order cannot be refunded (NY_ESTATE), from how it stands. */
static int
co_refund_state(const char *lang, struct db *db, const char *ref)
{
	struct order_detail *d = xcalloc(1, sizeof *d);
	const char *key = "cli.order.err.state";
	char status[32];

	status[0] = '\0';
	if (order_detail_get(db, 0, ref, 0, d) == NY_OK) {
		if (d->order.status == ORDER_REFUNDED)
			key = "cli.order.err.already";
		else if (d->has_refund && strcmp(d->refund.status,
		    "pending") == 0)
			key = "cli.order.err.waiting";
		snprintf(status, sizeof status, "%s",
		    order_status_name(d->order.status));
	}
	free(d);
	return co_fail(lang, key, "ref", ref, "status", i18n_word(lang, "tui.status.", status), NULL);
}

/*
 * No refund API (NY_ENOTSUP): an M-Pesa payment is refunded by hand with
 * --mpesa-code; another method only from its provider's dashboard.
 */
static int
co_refund_noapi(const char *lang, struct db *db, const char *ref)
{
	struct order_detail *d = xcalloc(1, sizeof *d);
	char method[16];

	snprintf(method, sizeof method, "mpesa");
	if (order_detail_get(db, 0, ref, 0, d) == NY_OK)
		snprintf(method, sizeof method, "%s", d->order.provider);
	free(d);
	if (strcmp(method, "mpesa") == 0)
		return co_fail(lang, "cli.order.err.hand", "ref", ref, NULL);
	return co_fail(lang, "cli.order.err.no_api", "ref", ref, "method",
	    i18n_word(lang, "tui.od.method.", method), NULL);
}

/* What refund_order answered, as the one line and the exit status. */
static int
co_refund_result(const char *lang, struct db *db,
    const struct cli_order_args *a, enum ny_err rc, const struct refund *r)
{
	char money[64], *line;

	switch (rc) {
	case NY_OK:
		money_format(r->amount_minor, r->currency, lang, money,
		    sizeof money);
		line = i18n_fmt(lang, strcmp(r->status, "done") == 0 ?
		    "cli.order.refunded" : "cli.order.pending", "ref", a->ref,
		    "amount", money, "method", i18n_word(lang, "tui.od.method.",
		    r->provider), NULL);
		printf("%s\n", line);
		free(line);
		return 0;
	case NY_ENOTFOUND:
		return co_fail(lang, "cli.order.err.none", "ref", a->ref, NULL);
	case NY_ESTATE:
		return co_refund_state(lang, db, a->ref);
	case NY_ENOTSUP:
		return co_refund_noapi(lang, db, a->ref);
	case NY_EINVAL:
		return co_fail(lang, "cli.order.err.code", NULL);
	case NY_EIO:
		return co_fail(lang, "cli.order.err.provider", "ref", a->ref,
		    "cause", r->error[0] ? r->error : ny_strerror(rc), NULL);
	default:
		return co_fail(lang, "cli.order.err.refund", "ref", a->ref,
		    "cause", ny_strerror(rc), NULL);
	}
}

/* order refund REF [--reason TEXT] [--mpesa-code CODE] */
static int
co_refund(const char *lang, const struct ny_config *cfg, struct db *db,
    const struct cli_order_args *a)
{
	struct refund_ask ask = {
		.order_ref = a->ref,
		.creator_id = 0,	/* the operator: any creator's order */
		.actor = "cli",
		.reason = a->reason,
		.manual_code = a->code,
	};
	struct refund r;
	char *cause = NULL;
	int rc;

	/* The buyer's message and the ended access use keyed hashes. */
	if (crypto_init(cfg->keys_dir, &cause) != NY_OK) {
		fprintf(stderr, "nyota: %s: %s\n", cfg->keys_dir, cause ?
		    cause : "keys");
		free(cause);
		return 1;
	}
	memset(&r, 0, sizeof r);
	rc = refund_order(db, cfg, &ask, &r);
	return co_refund_result(lang, db, a, rc, &r);
}

int
cli_order_run(const struct ny_config *cfg, int argc, char **argv)
{
	const char *lang = co_lang();
	struct cli_order_args a;
	struct db *db;
	int rc;

	if (lang == NULL)
		return 1;
	if (co_parse(argc, argv, &a) != NY_OK)
		return co_usage(lang);
	db = app_open(cfg);
	if (strcmp(a.verb, "show") == 0)
		rc = co_show(lang, db, &a);
	else
		rc = co_refund(lang, cfg, db, &a);
	db_close(db);
	return rc;
}
