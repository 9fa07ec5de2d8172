/*
 * config.c: one table describes every variable: its name, default, where it
 * lands in struct ny_config and how it is checked. Defaults and checks live
 * only here.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "ny.h"

enum cfg_type { CFG_STR, CFG_PATH, CFG_PORT, CFG_INT, CFG_ENUM, CFG_URL };

struct cfg_var {
	const char	*name;
	const char	*def;		/* NULL: derived or empty */
	enum cfg_type	 type;
	size_t		 off;
	const char	*choices;	/* CFG_ENUM: "a|b|c"; CFG_INT: "min max" */
};

#define S(f) offsetof(struct ny_config, f)
static const struct cfg_var cfg_vars[] = {
	{ "NYOTA_DATA_DIR", "./data", CFG_PATH, S(data_dir), NULL },
	{ "NYOTA_DB", NULL, CFG_PATH, S(db_path), NULL },
	{ "NYOTA_KEYS_DIR", "./keys", CFG_PATH, S(keys_dir), NULL },
	{ "NYOTA_HTTP_ADDR", "127.0.0.1", CFG_STR, S(http_addr), NULL },
	{ "NYOTA_HTTP_PORT", "8080", CFG_PORT, S(http_port), NULL },
	{ "NYOTA_SSH_ADDR", "0.0.0.0", CFG_STR, S(ssh_addr), NULL },
	{ "NYOTA_SSH_PORT", "2222", CFG_PORT, S(ssh_port), NULL },
	{ "NYOTA_BASE_URL", "http://localhost:8080", CFG_URL, S(base_url), NULL },
	{ "NYOTA_PAYMENTS", "sim", CFG_ENUM, S(payments), "sim|mpesa" },
	{ "NYOTA_SIM_AUTO", "off", CFG_ENUM, S(sim_auto), "off|approve|decline" },
	{ "NYOTA_SIM_DELAY_MS", "1500", CFG_INT, S(sim_delay_ms), "0 600000" },
	{ "NYOTA_MPESA_BASE_URL", "https://sandbox.safaricom.co.ke", CFG_URL,
	  S(mpesa_base_url), NULL },
	{ "NYOTA_MPESA_CONSUMER_KEY", "", CFG_STR, S(mpesa_consumer_key), NULL },
	{ "NYOTA_MPESA_CONSUMER_SECRET", "", CFG_STR, S(mpesa_consumer_secret), NULL },
	{ "NYOTA_MPESA_SHORTCODE", "", CFG_STR, S(mpesa_shortcode), NULL },
	{ "NYOTA_MPESA_PASSKEY", "", CFG_STR, S(mpesa_passkey), NULL },
	{ "NYOTA_MPESA_CALLBACK_SECRET", "", CFG_STR, S(mpesa_callback_secret), NULL },
	{ "NYOTA_WHATSAPP", "log", CFG_ENUM, S(whatsapp), "log|cloud" },
	{ "NYOTA_WHATSAPP_API_URL", "https://graph.facebook.com/v20.0", CFG_URL,
	  S(whatsapp_api_url), NULL },
	{ "NYOTA_WHATSAPP_TOKEN", "", CFG_STR, S(whatsapp_token), NULL },
	{ "NYOTA_WHATSAPP_PHONE_ID", "", CFG_STR, S(whatsapp_phone_id), NULL },
	{ "NYOTA_WHATSAPP_TEMPLATE", "nyota_library", CFG_STR,
	  S(whatsapp_template), NULL },
	{ "NYOTA_CHECKOUT_LIMIT", "20", CFG_INT, S(checkout_limit), "1 100000" },
	{ "NYOTA_PAY_TIMEOUT_S", "120", CFG_INT, S(pay_timeout_s), "1 3600" },
};
#undef S

static int
cfg_enum_ok(const char *choices, const char *v)
{
	size_t n = strlen(v);
	const char *p = choices;

	while (n && (p = strstr(p, v)) != NULL) {
		if ((p == choices || p[-1] == '|') && (p[n] == '|' || p[n] == '\0'))
			return 1;
		p++;
	}
	return 0;
}

/* Checks and stores one value; on error returns the cause (caller frees). */
static char *
cfg_set(struct ny_config *cfg, const struct cfg_var *v, const char *val)
{
	char *base = (char *)cfg + v->off;
	int64_t n, lo = 0, hi = 0;
	size_t len = strlen(val);

	switch (v->type) {
	case CFG_PORT:
		if (ny_parse_int(val, 1, 65535, &n) != NY_OK)
			return xasprintf("%s: expected a port number 1-65535, "
			    "got \"%s\"", v->name, val);
		*(int *)base = (int)n;
		return NULL;
	case CFG_INT:
		sscanf(v->choices, "%ld %ld", &lo, &hi);
		if (ny_parse_int(val, lo, hi, &n) != NY_OK)
			return xasprintf("%s: expected a whole number %ld-%ld, "
			    "got \"%s\"", v->name, (long)lo, (long)hi, val);
		*(int *)base = (int)n;
		return NULL;
	case CFG_ENUM:
		if (!cfg_enum_ok(v->choices, val))
			return xasprintf("%s: expected one of %s, got \"%s\"",
			    v->name, v->choices, val);
		break;
	case CFG_URL:
		if (strncmp(val, "http://", 7) != 0 &&
		    strncmp(val, "https://", 8) != 0)
			return xasprintf("%s: expected an http:// or https:// "
			    "URL, got \"%s\"", v->name, val);
		while (len > 8 && val[len - 1] == '/')
			len--;
		free(*(char **)base);
		*(char **)base = xstrndup(val, len);
		return NULL;
	case CFG_PATH:
		if (*val == '\0' || len > 3000)
			return xasprintf("%s: expected a path, got \"%s\"",
			    v->name, val);
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

int
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
			return NY_EINVAL;
	}
	for (a = 0; a < argc && strncmp(argv[a], "--", 2) == 0; a++) {
		if ((eq = strchr(argv[a], '=')) == NULL ||
		    (v = cfg_find_flag(argv[a] + 2,
		    (size_t)(eq - argv[a] - 2))) == NULL) {
			*cause = xasprintf("%s: unknown option (expected "
			    "--name=value for a NYOTA_ variable)", argv[a]);
			return NY_EINVAL;
		}
		if ((*cause = cfg_set(cfg, v, eq + 1)) != NULL)
			return NY_EINVAL;
	}
	if (nargs)
		*nargs = a;
	if (cfg->db_path == NULL)
		cfg->db_path = xasprintf("%s/nyota.db", cfg->data_dir);
	if (strcmp(cfg->payments, "mpesa") == 0 &&
	    (!*cfg->mpesa_consumer_key || !*cfg->mpesa_consumer_secret ||
	    !*cfg->mpesa_shortcode || !*cfg->mpesa_passkey ||
	    strlen(cfg->mpesa_callback_secret) < 16)) {
		*cause = xstrdup("NYOTA_PAYMENTS=mpesa: expected NYOTA_MPESA_"
		    "CONSUMER_KEY, _CONSUMER_SECRET, _SHORTCODE, _PASSKEY and a "
		    "_CALLBACK_SECRET of at least 16 characters");
		return NY_EINVAL;
	}
	if (strcmp(cfg->whatsapp, "cloud") == 0 &&
	    (!*cfg->whatsapp_token || !*cfg->whatsapp_phone_id)) {
		*cause = xstrdup("NYOTA_WHATSAPP=cloud: expected "
		    "NYOTA_WHATSAPP_TOKEN and NYOTA_WHATSAPP_PHONE_ID");
		return NY_EINVAL;
	}
	return NY_OK;
}

void
config_free(struct ny_config *cfg)
{
	size_t i;

	for (i = 0; i < sizeof cfg_vars / sizeof *cfg_vars; i++) {
		const struct cfg_var *v = &cfg_vars[i];

		if (v->type != CFG_PORT && v->type != CFG_INT) {
			free(*(char **)((char *)cfg + v->off));
			*(char **)((char *)cfg + v->off) = NULL;
		}
	}
}
