/*
 * config.h: the settings (the README's configuration table), read from
 * the environment (and command-line flags that override it) once at
 * start.
 */
#ifndef NY_CONFIG_H
#define NY_CONFIG_H

#include <stdint.h>

#include "ny.h"

/*
 * Connections not yet logged in, OpenSSH's MaxStartups "start:rate:full":
 * below start all are accepted; from start a new one is dropped with
 * probability rate %, rising linearly to 100 % at full.
 */
struct ny_startups {
	int	 start;
	int	 rate;	/* percent */
	int	 full;
};

struct ny_config {
	char	*data_dir;		/* NYOTA_DATA_DIR */
	char	*db_path;		/* NYOTA_DB */
	char	*keys_dir;		/* NYOTA_KEYS_DIR */
	char	*http_addr;		/* NYOTA_HTTP_ADDR */
	int	 http_port;		/* NYOTA_HTTP_PORT */
	int	 http_per_ip_limit;	/* NYOTA_HTTP_PER_IP_LIMIT, 0 = off */
	char	*ssh_addr;		/* NYOTA_SSH_ADDR */
	int	 ssh_port;		/* NYOTA_SSH_PORT */
	int	 ssh_grace_s;		/* NYOTA_SSH_GRACE_S: accept → login */
	struct ny_startups ssh_max_startups;	/* NYOTA_SSH_MAX_STARTUPS */
	struct ny_startups ssh_per_source_startups;
					/* NYOTA_SSH_PER_SOURCE_STARTUPS */
	char	*ssh_public;		/* NYOTA_SSH_PUBLIC: "host:port" shown
					 * to creators for ssh/scp/sftp */
	int	 upload_max_mb;		/* NYOTA_UPLOAD_MAX_MB: one file */
	int	 upload_quota_mb;	/* NYOTA_UPLOAD_QUOTA_MB: one creator */
	char	*base_url;		/* NYOTA_BASE_URL, no trailing slash */
	char	*payments;		/* methods, "sim" or "mpesa,stripe" … */
	char	*sim_auto;		/* "off" | "approve" | "decline" */
	int	 sim_delay_ms;		/* NYOTA_SIM_DELAY_MS */
	char	*mpesa_base_url;	/* NYOTA_MPESA_BASE_URL */
	char	*mpesa_consumer_key;
	char	*mpesa_consumer_secret;
	char	*mpesa_shortcode;
	char	*mpesa_passkey;
	char	*mpesa_callback_secret;
	char	*mpesa_initiator;	/* reversals: both set, or neither */
	char	*mpesa_security_credential;
	char	*stripe_api_url;	/* NYOTA_STRIPE_API_URL */
	char	*stripe_secret_key;	/* sk_… */
	char	*stripe_webhook_secret;	/* whsec_… */
	int	 stripe_session_s;	/* Checkout Session lifetime */
	char	*whatsapp;		/* "log" | "cloud" */
	char	*whatsapp_api_url;
	char	*whatsapp_token;
	char	*whatsapp_phone_id;
	char	*whatsapp_template;
	char	*smtp_url;		/* NYOTA_SMTP_URL: "" = mail.jsonl;
					 * may hold a password: never log */
	char	*mail_from;		/* NYOTA_MAIL_FROM (mail_addr_check) */
	int	 checkout_limit;	/* NYOTA_CHECKOUT_LIMIT per address/min */
	int	 pay_timeout_s;		/* NYOTA_PAY_TIMEOUT_S: push → expired (tests) */
	char	*log_level;		/* NYOTA_LOG: debug|info|warn|error */
	char	*log_file;		/* NYOTA_LOG_FILE: "" = stderr; reopened
					 * on SIGHUP */
	char	*metrics_addr;		/* NYOTA_METRICS_ADDR (loopback) */
	int	 metrics_port;		/* NYOTA_METRICS_PORT, 0 = off */
	int	 console_metrics_port;	/* NYOTA_CONSOLE_METRICS_PORT, 0 = off */
	int	 drain_s;		/* NYOTA_DRAIN_S: SIGTERM → exit, at most */
	char	*trusted_proxy;		/* NYOTA_TRUSTED_PROXY: IPs, comma list */
	int64_t	 clock_offset_s;	/* NYOTA_CLOCK_OFFSET: seconds added to the
					 * clock (tests; read by ny_now) */
};

/*
 * Fills cfg from the environment, then applies overrides: argv entries of
 * the form --name=value where name is the variable without NYOTA_ in lower
 * case with '-' for '_' (--http-port=8081). Unknown --flags are refused.
 * Returns NY_OK, or NY_EINVAL with *cause set to one line naming the
 * variable and what it expected (caller frees); the offending value is
 * quoted with control characters replaced, so the cause is always one
 * line. argv entries that are not flags are left for the caller; *nargs
 * receives how many leading flags were consumed.
 */
/*
 * Whether addr (an IP literal as inet_ntop writes it) is one of
 * NYOTA_TRUSTED_PROXY's addresses: a reverse proxy whose X-Forwarded-For
 * names the client.
 */
int	config_trusted_proxy(const struct ny_config *cfg, const char *addr);

enum ny_err config_load(struct ny_config *cfg, int argc, char **argv,
	    int *nargs, char **cause);

/*
 * 1 when the payment method name ("sim", "mpesa", "stripe") is in
 * cfg->payments, else 0 (also for a NULL cfg).
 */
int	config_payments_has(const struct ny_config *cfg, const char *name);

/* 1 when M-Pesa refunds go through Daraja's reversal API: the initiator
 * and its security credential are both set (cfg may be NULL), else 0. */
int	config_mpesa_reversal(const struct ny_config *cfg);

/* Frees every string in cfg. */
void	config_free(struct ny_config *cfg);

#endif
