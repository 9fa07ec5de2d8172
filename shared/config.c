/*
 * config.c: one table describes every variable: its name, default, where it
 * lands in struct ny_config and how it is checked. Defaults and checks live
 * only here.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "mail.h"
#include "ny.h"
#include "smtp-url.h"

enum cfg_type { CFG_STR, CFG_PATH, CFG_PORT, CFG_INT, CFG_I64, CFG_ENUM, CFG_URL,
    CFG_IPV4, CFG_IP, CFG_STARTUPS, CFG_HOSTPORT };

struct cfg_var {
	const char	*name;
	const char	*def;		/* NULL: derived or empty */
	enum cfg_type	 type;
	size_t		 off;
	const char	*choices;	/* CFG_ENUM: "a|b|c"; CFG_INT/I64: "min max" */
};

#define S(f) offsetof(struct ny_config, f)
static const struct cfg_var cfg_vars[] = {
	{ "NYOTA_DATA_DIR", "./data", CFG_PATH, S(data_dir), NULL },
	{ "NYOTA_DB", NULL, CFG_PATH, S(db_path), NULL },
	{ "NYOTA_KEYS_DIR", "./keys", CFG_PATH, S(keys_dir), NULL },
	/* The HTTP listener binds IPv4 only (storefront/http.c). */
	{ "NYOTA_HTTP_ADDR", "127.0.0.1", CFG_IPV4, S(http_addr), NULL },
	/* Proxies (e.g. Caddy on 127.0.0.1) whose X-Forwarded-For is
	 * believed; a comma list checked in config_load. */
	{ "NYOTA_TRUSTED_PROXY", "", CFG_STR, S(trusted_proxy), NULL },
	{ "NYOTA_HTTP_PORT", "8080", CFG_PORT, S(http_port), NULL },
	/* Open connections (SSE streams included) per client address; 0 is
	 * off. Why 128: storefront/http.c, http_start. */
	{ "NYOTA_HTTP_PER_IP_LIMIT", "128", CFG_INT, S(http_per_ip_limit),
	  "0 65536" },
	{ "NYOTA_SSH_ADDR", "0.0.0.0", CFG_IP, S(ssh_addr), NULL },
	{ "NYOTA_SSH_PORT", "2222", CFG_PORT, S(ssh_port), NULL },
	/* Console: seconds from accept to login, and how many connections
	 * may be at that stage (MaxStartups-style; why: tui/serve.c). */
	{ "NYOTA_SSH_GRACE_S", "30", CFG_INT, S(ssh_grace_s), "1 600" },
	{ "NYOTA_SSH_MAX_STARTUPS", "40:30:100", CFG_STARTUPS,
	  S(ssh_max_startups), NULL },
	{ "NYOTA_SSH_PER_SOURCE_STARTUPS", "5:30:10", CFG_STARTUPS,
	  S(ssh_per_source_startups), NULL },
	/* host:port creators are told to ssh/scp/sftp to; default: the host
	 * of NYOTA_BASE_URL and NYOTA_SSH_PORT (derived in config_load). */
	{ "NYOTA_SSH_PUBLIC", NULL, CFG_HOSTPORT, S(ssh_public), NULL },
	/* Uploads over SFTP: largest file, and all of one creator's files
	 * (BLOB_MAX_FILE is 4 GiB). */
	{ "NYOTA_UPLOAD_MAX_MB", "2048", CFG_INT, S(upload_max_mb), "1 4096" },
	{ "NYOTA_UPLOAD_QUOTA_MB", "10240", CFG_INT, S(upload_quota_mb),
	  "1 16777216" },
	{ "NYOTA_BASE_URL", "http://localhost:8080", CFG_URL, S(base_url), NULL },
	/* A comma list of methods, checked in config_load (cfg_payments_ok). */
	{ "NYOTA_PAYMENTS", "sim", CFG_STR, S(payments), NULL },
	{ "NYOTA_SIM_AUTO", "off", CFG_ENUM, S(sim_auto), "off|approve|decline" },
	{ "NYOTA_SIM_DELAY_MS", "1500", CFG_INT, S(sim_delay_ms), "0 600000" },
	{ "NYOTA_MPESA_BASE_URL", "https://sandbox.safaricom.co.ke", CFG_URL,
	  S(mpesa_base_url), NULL },
	{ "NYOTA_MPESA_CONSUMER_KEY", "", CFG_STR, S(mpesa_consumer_key), NULL },
	{ "NYOTA_MPESA_CONSUMER_SECRET", "", CFG_STR, S(mpesa_consumer_secret), NULL },
	{ "NYOTA_MPESA_SHORTCODE", "", CFG_STR, S(mpesa_shortcode), NULL },
	{ "NYOTA_MPESA_PASSKEY", "", CFG_STR, S(mpesa_passkey), NULL },
	{ "NYOTA_MPESA_CALLBACK_SECRET", "", CFG_STR, S(mpesa_callback_secret), NULL },
	/* Reversals (refunds through Daraja); without them an M-Pesa refund
	 * is recorded as made by hand. */
	{ "NYOTA_MPESA_INITIATOR", "", CFG_STR, S(mpesa_initiator), NULL },
	{ "NYOTA_MPESA_SECURITY_CREDENTIAL", "", CFG_STR,
	  S(mpesa_security_credential), NULL },
	{ "NYOTA_STRIPE_API_URL", "https://api.stripe.com", CFG_URL,
	  S(stripe_api_url), NULL },
	{ "NYOTA_STRIPE_SECRET_KEY", "", CFG_STR, S(stripe_secret_key), NULL },
	{ "NYOTA_STRIPE_WEBHOOK_SECRET", "", CFG_STR, S(stripe_webhook_secret),
	  NULL },
	/* How long a Checkout Session stays open; Stripe itself wants 1800 to
	 * 86400 (lower values are for tests against the fake). */
	{ "NYOTA_STRIPE_SESSION_S", "1800", CFG_INT, S(stripe_session_s),
	  "60 86400" },
	{ "NYOTA_WHATSAPP", "log", CFG_ENUM, S(whatsapp), "log|cloud" },
	{ "NYOTA_WHATSAPP_API_URL", "https://graph.facebook.com/v20.0", CFG_URL,
	  S(whatsapp_api_url), NULL },
	{ "NYOTA_WHATSAPP_TOKEN", "", CFG_STR, S(whatsapp_token), NULL },
	{ "NYOTA_WHATSAPP_PHONE_ID", "", CFG_STR, S(whatsapp_phone_id), NULL },
	{ "NYOTA_WHATSAPP_TEMPLATE", "nyota_library", CFG_STR,
	  S(whatsapp_template), NULL },
	/* Email, the second channel: empty = mail.jsonl in the data dir.
	 * Checked in config_load (cfg_mail_ok), never echoed whole: the URL
	 * may hold a password. */
	{ "NYOTA_SMTP_URL", "", CFG_STR, S(smtp_url), NULL },
	{ "NYOTA_MAIL_FROM", "", CFG_STR, S(mail_from), NULL },
	{ "NYOTA_CHECKOUT_LIMIT", "20", CFG_INT, S(checkout_limit), "1 100000" },
	{ "NYOTA_PAY_TIMEOUT_S", "120", CFG_INT, S(pay_timeout_s), "1 3600" },
	{ "NYOTA_LOG", "info", CFG_ENUM, S(log_level), "debug|info|warn|error" },
	{ "NYOTA_LOG_FILE", "", CFG_STR, S(log_file), NULL },
	/* Prometheus /metrics, each program on its own listener; 0 is off.
	 * Loopback by default: the figures are for the operator only. */
	{ "NYOTA_METRICS_ADDR", "127.0.0.1", CFG_IPV4, S(metrics_addr), NULL },
	{ "NYOTA_METRICS_PORT", "9464", CFG_INT, S(metrics_port), "0 65535" },
	{ "NYOTA_CONSOLE_METRICS_PORT", "9465", CFG_INT,
	  S(console_metrics_port), "0 65535" },
	/* SIGTERM: how long in-flight work may take before the exit. */
	{ "NYOTA_DRAIN_S", "10", CFG_INT, S(drain_s), "0 300" },
	/* Checked here so a typo stops the program; ny_now reads it itself. */
	{ "NYOTA_CLOCK_OFFSET", "0", CFG_I64, S(clock_offset_s),
	  "0 1099511627776" },
};
#undef S

static int
cfg_enum_ok(const char *choices, const char *v)
{
	size_t n = strlen(v);
	const char *p = choices;

	if (strchr(v, '|') != NULL)	/* "sim|mpesa" is not one choice */
		return 0;
	while (n && (p = strstr(p, v)) != NULL) {
		if ((p == choices || p[-1] == '|') && (p[n] == '|' || p[n] == '\0'))
			return 1;
		p++;
	}
	return 0;
}

/*
 * The value as shown in an error: at most 60 bytes, control characters
 * (a newline would make the error two lines) replaced by '?'.
 */
static void
cfg_show(const char *val, char out[64])
{
	size_t i;

	for (i = 0; val[i] != '\0' && i < 60; i++)
		out[i] = (unsigned char)val[i] < 0x20 || val[i] == 0x7f ?
		    '?' : val[i];
	if (val[i] != '\0' && i >= 3)
		memcpy(out + i - 3, "...", 3);
	out[i] = '\0';
}

/* http:// or https://, a host, no spaces or control characters. */
static int
cfg_url_ok(const char *val)
{
	const char *p;

	if (strncmp(val, "http://", 7) == 0)
		p = val + 7;
	else if (strncmp(val, "https://", 8) == 0)
		p = val + 8;
	else
		return 0;
	if (*p == '\0' || *p == '/' || *p == '?' || *p == '#' || *p == ':')
		return 0;
	for (p = val; *p; p++)
		if ((unsigned char)*p <= 0x20 || *p == 0x7f)
			return 0;
	return 1;
}

/*
 * "host:port" as a creator types it after ssh -p: a host name or IPv4
 * address (letters, digits, '.', '-'), or an IPv6 address in brackets,
 * then ':' and a port 1-65535.
 */
static int
cfg_hostport_ok(const char *val)
{
	const char *colon = strrchr(val, ':'), *p;
	int64_t port;

	if (colon == NULL || colon == val || colon - val > 253 ||
	    ny_parse_int(colon + 1, 1, 65535, &port) != NY_OK)
		return 0;
	if (val[0] == '[')
		return colon[-1] == ']' && colon - val > 2 &&
		    strspn(val + 1, "0123456789abcdefABCDEF:.") ==
		    (size_t)(colon - val - 2);
	for (p = val; p < colon; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '.' || *p == '-'))
			return 0;
	return 1;
}

/*
 * The default NYOTA_SSH_PUBLIC: the host of base_url (an http(s) URL
 * checked by cfg_url_ok) and the SSH port.
 */
static char *
cfg_ssh_public(const struct ny_config *cfg)
{
	const char *h = strstr(cfg->base_url, "://") + 3;
	size_t n;

	if (*h == '[')
		n = strcspn(h, "]") + 1;
	else
		n = strcspn(h, ":/?#");
	return xasprintf("%.*s:%d", (int)n, h, cfg->ssh_port);
}

/*
 * "start:rate:full" (or "n", meaning n:100:n) into *out: 1 ≤ start ≤ full
 * ≤ 100000, rate a percentage. Returns NY_OK, or NY_EINVAL when val is
 * not that (*out untouched).
 */
static enum ny_err
cfg_startups(const char *val, struct ny_startups *out)
{
	const char *p = val;
	int64_t n[3];
	char part[16];
	size_t k, i;

	for (i = 0; i < 3; i++) {
		k = strcspn(p, ":");
		if (k == 0 || k >= sizeof part)
			return NY_EINVAL;
		memcpy(part, p, k);
		part[k] = '\0';
		if (ny_parse_int(part, 0, 100000, &n[i]) != NY_OK)
			return NY_EINVAL;
		p += k;
		if (i == 0 && *p == '\0') {	/* "n" */
			n[1] = 100;
			n[2] = n[0];
			break;
		}
		if (i < 2 && *p++ != ':')
			return NY_EINVAL;
	}
	if (*p != '\0' || n[0] < 1 || n[1] > 100 || n[2] < n[0])
		return NY_EINVAL;
	out->start = (int)n[0];
	out->rate = (int)n[1];
	out->full = (int)n[2];
	return NY_OK;
}

/* Checks and stores one value; on error returns the cause (caller frees). */
static char *
cfg_set(struct ny_config *cfg, const struct cfg_var *v, const char *val)
{
	char *base = (char *)cfg + v->off, shown[64];
	int64_t n, lo = 0, hi = 0;
	size_t len = strlen(val);

	cfg_show(val, shown);
	switch (v->type) {
	case CFG_PORT:
		if (ny_parse_int(val, 1, 65535, &n) != NY_OK)
			return xasprintf("%s: expected a port number 1-65535, "
			    "got \"%s\"", v->name, shown);
		*(int *)base = (int)n;
		return NULL;
	case CFG_INT:
	case CFG_I64:
		if (sscanf(v->choices, "%" SCNd64 " %" SCNd64, &lo, &hi) != 2)
			abort();	/* the table is wrong */
		if (ny_parse_int(val, lo, hi, &n) != NY_OK)
			return xasprintf("%s: expected a whole number %" PRId64
			    "-%" PRId64 ", got \"%s\"", v->name, lo, hi, shown);
		if (v->type == CFG_I64)
			*(int64_t *)base = n;
		else
			*(int *)base = (int)n;
		return NULL;
	case CFG_ENUM:
		if (!cfg_enum_ok(v->choices, val))
			return xasprintf("%s: expected one of %s, got \"%s\"",
			    v->name, v->choices, shown);
		break;
	case CFG_URL:
		if (!cfg_url_ok(val))
			return xasprintf("%s: expected an http:// or https:// "
			    "URL with a host, got \"%s\"", v->name, shown);
		while (len > 8 && val[len - 1] == '/')
			len--;
		free(*(char **)base);
		*(char **)base = xstrndup(val, len);
		return NULL;
	case CFG_IPV4:
	case CFG_IP: {
		unsigned char addr[sizeof(struct in6_addr)];

		if (inet_pton(AF_INET, val, addr) != 1 && (v->type == CFG_IPV4 ||
		    inet_pton(AF_INET6, val, addr) != 1))
			return xasprintf("%s: expected an IP%s address such as "
			    "127.0.0.1 or 0.0.0.0, got \"%s\"", v->name,
			    v->type == CFG_IPV4 ? "v4" : "v4 or IPv6", shown);
		break;
	}
	case CFG_PATH:
		if (*val == '\0' || len > 3000)
			return xasprintf("%s: expected a path, got \"%s\"",
			    v->name, shown);
		break;
	case CFG_STARTUPS:
		if (cfg_startups(val, (struct ny_startups *)(void *)base) !=
		    NY_OK)
			return xasprintf("%s: expected start:rate:full such as "
			    "10:30:100 (1 <= start <= full, rate 0-100), got "
			    "\"%s\"", v->name, shown);
		return NULL;
	case CFG_HOSTPORT:
		if (!cfg_hostport_ok(val))
			return xasprintf("%s: expected host:port such as "
			    "shop.example:2222, got \"%s\"", v->name, shown);
		break;
	case CFG_STR:
		break;
	}
	free(*(char **)base);
	*(char **)base = xstrdup(val);
	return NULL;
}

static const struct cfg_var *
cfg_find_flag(const char *flag, size_t n)
{
	char name[64];
	size_t i;

	if (n + 6 >= sizeof name)
		return NULL;
	memcpy(name, "NYOTA_", 6);
	for (i = 0; i < n; i++)
		name[6 + i] = flag[i] == '-' ? '_' :
		    (flag[i] >= 'a' && flag[i] <= 'z') ? flag[i] - 32 : flag[i];
	name[6 + n] = '\0';
	for (i = 0; i < sizeof cfg_vars / sizeof *cfg_vars; i++)
		if (strcmp(cfg_vars[i].name, name) == 0)
			return &cfg_vars[i];
	return NULL;
}

/*
 * 1 when list is one or more of sim, mpesa, stripe joined by commas, each
 * at most once, with no spaces or empty items.
 */
static int
cfg_payments_ok(const char *list)
{
	static const char *const names[] = { "sim", "mpesa", "stripe" };
	const char *p = list, *end;
	unsigned seen = 0;
	size_t i, n;

	for (;;) {
		end = strchr(p, ',');
		n = end != NULL ? (size_t)(end - p) : strlen(p);
		for (i = 0; i < 3; i++)
			if (strlen(names[i]) == n && strncmp(p, names[i], n) == 0)
				break;
		if (i == 3 || (seen & (1u << i)))
			return 0;
		seen |= 1u << i;
		if (end == NULL)
			return 1;
		p = end + 1;
	}
}

/*
 * Calls fn(item, len, arg) for each item of a comma list; stops and
 * returns 0 at the first item fn refuses, 1 when all passed.
 */
static int
cfg_each(const char *list, int (*fn)(const char *, size_t, const void *),
    const void *arg)
{
	const char *p = list, *end;
	size_t n;

	for (;;) {
		end = strchr(p, ',');
		n = end != NULL ? (size_t)(end - p) : strlen(p);
		if (!fn(p, n, arg))
			return 0;
		if (end == NULL)
			return 1;
		p = end + 1;
	}
}

/* One item of NYOTA_TRUSTED_PROXY: an IPv4 or IPv6 literal. */
static int
cfg_ip_item_ok(const char *p, size_t n, const void *arg)
{
	unsigned char addr[sizeof(struct in6_addr)];
	char ip[INET6_ADDRSTRLEN];

	(void)arg;
	if (n == 0 || n >= sizeof ip)
		return 0;
	memcpy(ip, p, n);
	ip[n] = '\0';
	return inet_pton(AF_INET, ip, addr) == 1 ||
	    inet_pton(AF_INET6, ip, addr) == 1;
}

/* fn for cfg_each: keeps going while the item is not the address. */
static int
cfg_ip_item_differs(const char *p, size_t n, const void *arg)
{
	unsigned char a[sizeof(struct in6_addr)], b[sizeof(struct in6_addr)];
	char ip[INET6_ADDRSTRLEN];
	int fam;

	if (n == 0 || n >= sizeof ip)
		return 1;
	memcpy(ip, p, n);
	ip[n] = '\0';
	fam = strchr(ip, ':') != NULL ? AF_INET6 : AF_INET;
	memset(a, 0, sizeof a);
	memset(b, 0, sizeof b);
	/* compared as addresses: "::1" and "0:0::1" are one proxy */
	if (inet_pton(fam, ip, a) != 1 || inet_pton(fam, arg, b) != 1)
		return 1;
	return memcmp(a, b, sizeof a) != 0;
}

/*
 * NYOTA_SMTP_URL and NYOTA_MAIL_FROM: NULL when fine, else the cause
 * (caller frees). The URL is shown with its credentials masked.
 */
static char *
cfg_mail_ok(struct ny_config *cfg)
{
	struct smtp_url u;
	char shown[64], addr[MAIL_ADDR_MAX + 1];

	if (cfg->smtp_url[0] != '\0') {
		if (smtp_url_parse(cfg->smtp_url, &u) != NY_OK) {
			smtp_url_show(cfg->smtp_url, shown, sizeof shown);
			return xasprintf("NYOTA_SMTP_URL: expected smtp:// or "
			    "smtps://[user:pass@]host[:port], got \"%s\"",
			    shown);
		}
		smtp_url_free(&u);
		if (cfg->mail_from[0] == '\0')
			return xstrdup("NYOTA_MAIL_FROM: expected the sender's "
			    "address (required when NYOTA_SMTP_URL is set)");
	}
	if (cfg->mail_from[0] != '\0') {
		if (mail_addr_check(cfg->mail_from, addr, sizeof addr) !=
		    NY_OK) {
			cfg_show(cfg->mail_from, shown);
			return xasprintf("NYOTA_MAIL_FROM: expected an address "
			    "such as shop@example.com, got \"%s\"", shown);
		}
		free(cfg->mail_from);
		cfg->mail_from = xstrdup(addr);
	}
	return NULL;
}

int
config_trusted_proxy(const struct ny_config *cfg, const char *addr)
{
	if (cfg == NULL || cfg->trusted_proxy == NULL ||
	    cfg->trusted_proxy[0] == '\0' || addr == NULL)
		return 0;
	return !cfg_each(cfg->trusted_proxy, cfg_ip_item_differs, addr);
}

int
config_mpesa_reversal(const struct ny_config *cfg)
{
	return cfg != NULL && cfg->mpesa_initiator != NULL &&
	    cfg->mpesa_initiator[0] != '\0' &&
	    cfg->mpesa_security_credential != NULL &&
	    cfg->mpesa_security_credential[0] != '\0';
}

int
config_payments_has(const struct ny_config *cfg, const char *name)
{
	const char *p = cfg != NULL ? cfg->payments : NULL;
	size_t n = strlen(name);

	while (p != NULL && *p != '\0') {
		if (strncmp(p, name, n) == 0 && (p[n] == ',' || p[n] == '\0'))
			return 1;
		if ((p = strchr(p, ',')) != NULL)
			p++;
	}
	return 0;
}

enum ny_err
config_load(struct ny_config *cfg, int argc, char **argv, int *nargs,
    char **cause)
{
	const struct cfg_var *v;
	const char *val, *eq;
	size_t i;
	int a;

	memset(cfg, 0, sizeof *cfg);
	*cause = NULL;
	for (i = 0; i < sizeof cfg_vars / sizeof *cfg_vars; i++) {
		v = &cfg_vars[i];
		val = getenv(v->name);
		if (val == NULL)
			val = v->def;
		if (val == NULL)
			continue;
		if ((*cause = cfg_set(cfg, v, val)) != NULL)
			goto fail;
	}
	for (a = 0; a < argc && strncmp(argv[a], "--", 2) == 0; a++) {
		if ((eq = strchr(argv[a], '=')) == NULL ||
		    (v = cfg_find_flag(argv[a] + 2,
		    (size_t)(eq - argv[a] - 2))) == NULL) {
			char shown[64];

			cfg_show(argv[a], shown);
			*cause = xasprintf("%s: unknown option (expected "
			    "--name=value for a NYOTA_ variable)", shown);
			goto fail;
		}
		if ((*cause = cfg_set(cfg, v, eq + 1)) != NULL)
			goto fail;
	}
	if (nargs)
		*nargs = a;
	if (cfg->db_path == NULL)
		cfg->db_path = xasprintf("%s/nyota.db", cfg->data_dir);
	if (cfg->ssh_public == NULL)
		cfg->ssh_public = cfg_ssh_public(cfg);
	if (cfg->trusted_proxy[0] != '\0' &&
	    !cfg_each(cfg->trusted_proxy, cfg_ip_item_ok, NULL)) {
		char shown[64];

		cfg_show(cfg->trusted_proxy, shown);
		*cause = xasprintf("NYOTA_TRUSTED_PROXY: expected IP addresses "
		    "joined by commas, such as 127.0.0.1,::1 (got \"%s\")",
		    shown);
		goto fail;
	}
	if (!cfg_payments_ok(cfg->payments)) {
		char shown[64];

		cfg_show(cfg->payments, shown);
		*cause = xasprintf("NYOTA_PAYMENTS: expected sim, mpesa or "
		    "stripe, or several joined by commas (got \"%s\")", shown);
		goto fail;
	}
	if (config_payments_has(cfg, "stripe") &&
	    (strncmp(cfg->stripe_secret_key, "sk_", 3) != 0 ||
	    strncmp(cfg->stripe_webhook_secret, "whsec_", 6) != 0)) {
		*cause = xstrdup("NYOTA_PAYMENTS=stripe: expected "
		    "NYOTA_STRIPE_SECRET_KEY (sk_…) and "
		    "NYOTA_STRIPE_WEBHOOK_SECRET (whsec_…)");
		goto fail;
	}
	if (config_payments_has(cfg, "mpesa") &&
	    (!*cfg->mpesa_consumer_key || !*cfg->mpesa_consumer_secret ||
	    !*cfg->mpesa_shortcode || !*cfg->mpesa_passkey ||
	    strlen(cfg->mpesa_callback_secret) < 16)) {
		*cause = xstrdup("NYOTA_PAYMENTS=mpesa: expected NYOTA_MPESA_"
		    "CONSUMER_KEY, _CONSUMER_SECRET, _SHORTCODE, _PASSKEY and a "
		    "_CALLBACK_SECRET of at least 16 characters");
		goto fail;
	}
	if ((*cfg->mpesa_initiator != '\0') !=
	    (*cfg->mpesa_security_credential != '\0')) {
		*cause = xstrdup("NYOTA_MPESA_INITIATOR: expected together with "
		    "NYOTA_MPESA_SECURITY_CREDENTIAL (both or neither)");
		goto fail;
	}
	if ((*cause = cfg_mail_ok(cfg)) != NULL)
		goto fail;
	if (strcmp(cfg->whatsapp, "cloud") == 0 &&
	    (!*cfg->whatsapp_token || !*cfg->whatsapp_phone_id)) {
		*cause = xstrdup("NYOTA_WHATSAPP=cloud: expected "
		    "NYOTA_WHATSAPP_TOKEN and NYOTA_WHATSAPP_PHONE_ID");
		goto fail;
	}
	return NY_OK;
fail:
	/* nothing for the caller to free but the cause */
	config_free(cfg);
	return NY_EINVAL;
}

void
config_free(struct ny_config *cfg)
{
	size_t i;

	for (i = 0; i < sizeof cfg_vars / sizeof *cfg_vars; i++) {
		const struct cfg_var *v = &cfg_vars[i];

		if (v->type != CFG_PORT && v->type != CFG_INT &&
		    v->type != CFG_I64 && v->type != CFG_STARTUPS) {
			free(*(char **)((char *)cfg + v->off));
			*(char **)((char *)cfg + v->off) = NULL;
		}
	}
}
