/*
 * test-config.c: the defaults, flags overriding the environment, and
 * bad values of every kind (port, whole number, enum, URL, path, unknown
 * or malformed flag, incomplete provider settings) refused with one line
 * naming the variable and what it expected.
 */
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "testutil.h"

extern char **environ;

/* Every test starts from an environment without NYOTA_ variables. */
static void
setup(void)
{
	char name[128], **e;
	size_t n;

	for (;;) {
		for (e = environ; *e != NULL; e++)
			if (strncmp(*e, "NYOTA_", 6) == 0)
				break;
		if (*e == NULL)
			break;
		n = strcspn(*e, "=");
		if (n >= sizeof name)
			n = sizeof name - 1;
		memcpy(name, *e, n);
		name[n] = '\0';
		unsetenv(name);
	}
}

/*
 * Loads with one variable set (NULL: none) and the given flags; returns
 * the cause of a refusal (caller frees) or NULL when it loaded.
 */
static char *
load(const char *var, const char *val, int argc, char **argv)
{
	struct ny_config cfg;
	char *cause = NULL;
	int rc, n = -1;

	if (var != NULL)
		setenv(var, val, 1);
	rc = config_load(&cfg, argc, argv, &n, &cause);
	if (var != NULL)
		unsetenv(var);
	if (rc == NY_OK) {
		ck_assert_ptr_null(cause);
		config_free(&cfg);
		return NULL;
	}
	ck_assert_int_eq(rc, NY_EINVAL);
	ck_assert_ptr_nonnull(cause);
	return cause;
}

/* var=val must be refused with one line that names want and says what. */
static void
refused(const char *var, const char *val, const char *want,
    const char *expected)
{
	char *cause = load(var, val, 0, NULL);

	ck_assert_msg(cause != NULL, "%s=%s accepted", var, val);
	ck_assert_msg(strstr(cause, want) != NULL, "cause \"%s\" lacks %s",
	    cause, want);
	ck_assert_msg(strstr(cause, expected) != NULL,
	    "cause \"%s\" lacks \"%s\"", cause, expected);
	ck_assert_msg(strchr(cause, '\n') == NULL && strchr(cause, '\r') ==
	    NULL, "cause is not one line: %s", cause);
	free(cause);
}

static void
accepted(const char *var, const char *val)
{
	char *cause = load(var, val, 0, NULL);

	ck_assert_msg(cause == NULL, "%s=%s refused: %s", var, val,
	    cause ? cause : "");
}

START_TEST(defaults)
{
	struct ny_config cfg;
	char *cause = NULL;
	int n = -1;

	ck_assert_int_eq(config_load(&cfg, 0, NULL, &n, &cause), NY_OK);
	ck_assert_int_eq(n, 0);
	ck_assert_str_eq(cfg.data_dir, "./data");
	ck_assert_str_eq(cfg.db_path, "./data/nyota.db");
	ck_assert_str_eq(cfg.keys_dir, "./keys");
	ck_assert_str_eq(cfg.http_addr, "127.0.0.1");
	ck_assert_int_eq(cfg.http_port, 8080);
	ck_assert_int_eq(cfg.http_per_ip_limit, 128);
	ck_assert_str_eq(cfg.ssh_addr, "0.0.0.0");
	ck_assert_int_eq(cfg.ssh_port, 2222);
	ck_assert_int_eq(cfg.ssh_grace_s, 30);
	ck_assert_int_eq(cfg.ssh_max_startups.start, 40);
	ck_assert_int_eq(cfg.ssh_max_startups.rate, 30);
	ck_assert_int_eq(cfg.ssh_max_startups.full, 100);
	ck_assert_int_eq(cfg.ssh_per_source_startups.start, 5);
	ck_assert_int_eq(cfg.ssh_per_source_startups.rate, 30);
	ck_assert_int_eq(cfg.ssh_per_source_startups.full, 10);
	ck_assert_str_eq(cfg.base_url, "http://localhost:8080");
	ck_assert_str_eq(cfg.payments, "sim");
	ck_assert_str_eq(cfg.sim_auto, "off");
	ck_assert_int_eq(cfg.sim_delay_ms, 1500);
	ck_assert_str_eq(cfg.whatsapp, "log");
	ck_assert_int_eq(cfg.checkout_limit, 20);
	ck_assert_int_eq(cfg.pay_timeout_s, 120);
	ck_assert_str_eq(cfg.log_level, "info");
	ck_assert_int_eq(cfg.clock_offset_s, 0);
	config_free(&cfg);
	ck_assert_ptr_null(cfg.data_dir);
}
END_TEST

START_TEST(env_and_flags)
{
	struct ny_config cfg;
	char *cause = NULL;
	char a0[] = "--http-port=8081", a1[] = "--data_dir=/srv/ny",
	    a2[] = "--log=debug", a3[] = "serve", a4[] = "--ssh-port=1";
	char *argv[] = { a0, a1, a2, a3, a4 };
	int n = -1;

	setenv("NYOTA_HTTP_PORT", "9000", 1);
	setenv("NYOTA_BASE_URL", "https://shop.example/", 1);
	setenv("NYOTA_CLOCK_OFFSET", "86400", 1);
	setenv("NYOTA_DB", "/var/lib/x.db", 1);
	ck_assert_int_eq(config_load(&cfg, 5, argv, &n, &cause), NY_OK);
	ck_assert_int_eq(n, 3);		/* flags stop at the command */
	ck_assert_int_eq(cfg.http_port, 8081);	/* flag beats environment */
	ck_assert_int_eq(cfg.ssh_port, 2222);	/* after the command: not a flag */
	ck_assert_str_eq(cfg.data_dir, "/srv/ny");
	ck_assert_str_eq(cfg.db_path, "/var/lib/x.db");
	ck_assert_str_eq(cfg.log_level, "debug");
	ck_assert_str_eq(cfg.base_url, "https://shop.example");
	ck_assert_int_eq(cfg.clock_offset_s, 86400);
	config_free(&cfg);
}
END_TEST

START_TEST(bad_ports)
{
	static const char *const bad[] = { "0", "65536", "99999", "-1", "80a",
	    "", " 80", "0x50", "8080 ", "1e3" };
	size_t i;

	for (i = 0; i < sizeof bad / sizeof *bad; i++) {
		refused("NYOTA_HTTP_PORT", bad[i], "NYOTA_HTTP_PORT",
		    "expected a port number 1-65535");
		refused("NYOTA_SSH_PORT", bad[i], "NYOTA_SSH_PORT",
		    "expected a port number 1-65535");
	}
	accepted("NYOTA_HTTP_PORT", "1");
	accepted("NYOTA_SSH_PORT", "65535");
}
END_TEST

START_TEST(bad_numbers)
{
	refused("NYOTA_SIM_DELAY_MS", "-5", "NYOTA_SIM_DELAY_MS",
	    "expected a whole number 0-600000");
	refused("NYOTA_SIM_DELAY_MS", "1.5", "NYOTA_SIM_DELAY_MS", "whole");
	refused("NYOTA_CHECKOUT_LIMIT", "0", "NYOTA_CHECKOUT_LIMIT",
	    "expected a whole number 1-100000");
	refused("NYOTA_CHECKOUT_LIMIT", "lots", "NYOTA_CHECKOUT_LIMIT", "1-");
	refused("NYOTA_PAY_TIMEOUT_S", "99999999999999999999",
	    "NYOTA_PAY_TIMEOUT_S", "expected a whole number 1-3600");
	refused("NYOTA_CLOCK_OFFSET", "abc", "NYOTA_CLOCK_OFFSET",
	    "expected a whole number 0-");
	refused("NYOTA_CLOCK_OFFSET", "-1", "NYOTA_CLOCK_OFFSET", "whole");
	refused("NYOTA_HTTP_PER_IP_LIMIT", "-1", "NYOTA_HTTP_PER_IP_LIMIT",
	    "expected a whole number 0-65536");
	refused("NYOTA_HTTP_PER_IP_LIMIT", "65537", "NYOTA_HTTP_PER_IP_LIMIT",
	    "0-65536");
	refused("NYOTA_HTTP_PER_IP_LIMIT", "many", "NYOTA_HTTP_PER_IP_LIMIT",
	    "whole");
	refused("NYOTA_HTTP_PER_IP_LIMIT", "", "NYOTA_HTTP_PER_IP_LIMIT",
	    "whole");
	accepted("NYOTA_HTTP_PER_IP_LIMIT", "0");	/* off */
	accepted("NYOTA_HTTP_PER_IP_LIMIT", "8");
	accepted("NYOTA_SIM_DELAY_MS", "0");
	accepted("NYOTA_CHECKOUT_LIMIT", "100000");
	accepted("NYOTA_CLOCK_OFFSET", "1099511627776");
}
END_TEST

/* The console's pre-login limits (tui/serve.c). */
START_TEST(ssh_startups)
{
	static const char *const bad[] = { "", "0", "0:30:10", "10:30:5",
	    "10:101:20", "10:-1:20", "10:30", "10:30:", ":30:100",
	    "10:30:100:1", "10::100", "a:b:c", "10 :30:100", "100001",
	    "10:30:100 " };
	struct ny_config cfg;
	char *cause = NULL;
	size_t i;

	for (i = 0; i < sizeof bad / sizeof *bad; i++) {
		refused("NYOTA_SSH_MAX_STARTUPS", bad[i],
		    "NYOTA_SSH_MAX_STARTUPS", "expected start:rate:full");
		refused("NYOTA_SSH_PER_SOURCE_STARTUPS", bad[i],
		    "NYOTA_SSH_PER_SOURCE_STARTUPS", "start:rate:full");
	}
	refused("NYOTA_SSH_GRACE_S", "0", "NYOTA_SSH_GRACE_S",
	    "expected a whole number 1-600");
	refused("NYOTA_SSH_GRACE_S", "30s", "NYOTA_SSH_GRACE_S", "whole");
	accepted("NYOTA_SSH_GRACE_S", "1");
	accepted("NYOTA_SSH_MAX_STARTUPS", "10:30:100");
	accepted("NYOTA_SSH_PER_SOURCE_STARTUPS", "3:100:3");
	/* "n" alone is n:100:n, as in sshd_config. */
	setenv("NYOTA_SSH_PER_SOURCE_STARTUPS", "7", 1);
	setenv("NYOTA_SSH_MAX_STARTUPS", "1:0:1", 1);
	ck_assert_int_eq(config_load(&cfg, 0, NULL, NULL, &cause), NY_OK);
	ck_assert_int_eq(cfg.ssh_per_source_startups.start, 7);
	ck_assert_int_eq(cfg.ssh_per_source_startups.rate, 100);
	ck_assert_int_eq(cfg.ssh_per_source_startups.full, 7);
	ck_assert_int_eq(cfg.ssh_max_startups.start, 1);
	ck_assert_int_eq(cfg.ssh_max_startups.rate, 0);
	config_free(&cfg);
	unsetenv("NYOTA_SSH_PER_SOURCE_STARTUPS");
	unsetenv("NYOTA_SSH_MAX_STARTUPS");
}
END_TEST

/* Uploads and the address the console prints. */
START_TEST(uploads_and_public_address)
{
	static const char *const bad[] = { "", "shop.example", ":2222",
	    "shop.example:", "shop.example:0", "shop.example:65536",
	    "shop example:22", "shop.example:22x", "a/b:22", "[::1:22",
	    "[]:22", "host:22\n" };
	struct ny_config cfg;
	char *cause = NULL;
	size_t i;

	for (i = 0; i < sizeof bad / sizeof *bad; i++)
		refused("NYOTA_SSH_PUBLIC", bad[i], "NYOTA_SSH_PUBLIC",
		    "expected host:port");
	accepted("NYOTA_SSH_PUBLIC", "shop.example:2222");
	accepted("NYOTA_SSH_PUBLIC", "[2001:db8::1]:22");
	accepted("NYOTA_SSH_PUBLIC", "10.0.0.5:22");
	refused("NYOTA_UPLOAD_MAX_MB", "0", "NYOTA_UPLOAD_MAX_MB", "1-4096");
	refused("NYOTA_UPLOAD_MAX_MB", "4097", "NYOTA_UPLOAD_MAX_MB", "whole");
	refused("NYOTA_UPLOAD_QUOTA_MB", "10G", "NYOTA_UPLOAD_QUOTA_MB",
	    "whole");
	accepted("NYOTA_UPLOAD_QUOTA_MB", "1");

	/* Defaults: limits of §10; the address from the base URL. */
	ck_assert_int_eq(config_load(&cfg, 0, NULL, NULL, &cause), NY_OK);
	ck_assert_int_eq(cfg.upload_max_mb, 2048);
	ck_assert_int_eq(cfg.upload_quota_mb, 10240);
	ck_assert_str_eq(cfg.ssh_public, "localhost:2222");
	config_free(&cfg);
	setenv("NYOTA_BASE_URL", "https://shop.example:8443/", 1);
	setenv("NYOTA_SSH_PORT", "22", 1);
	ck_assert_int_eq(config_load(&cfg, 0, NULL, NULL, &cause), NY_OK);
	ck_assert_str_eq(cfg.ssh_public, "shop.example:22");
	config_free(&cfg);
	setenv("NYOTA_BASE_URL", "http://[2001:db8::1]:80", 1);
	ck_assert_int_eq(config_load(&cfg, 0, NULL, NULL, &cause), NY_OK);
	ck_assert_str_eq(cfg.ssh_public, "[2001:db8::1]:22");
	config_free(&cfg);
	unsetenv("NYOTA_BASE_URL");
	unsetenv("NYOTA_SSH_PORT");
}
END_TEST

START_TEST(bad_enums)
{
	static const char *const bad[] = { "", "SIM", "si", "sim|mpesa", "|",
	    "sim ", "paypal", "sim,", ",sim", "sim,,mpesa", "sim,sim",
	    "sim, stripe", "stripe,paypal", "," };
	size_t i;

	for (i = 0; i < sizeof bad / sizeof *bad; i++)
		refused("NYOTA_PAYMENTS", bad[i], "NYOTA_PAYMENTS",
		    "expected sim, mpesa or stripe, or several joined by commas");
	refused("NYOTA_SIM_AUTO", "yes", "NYOTA_SIM_AUTO",
	    "expected one of off|approve|decline");
	refused("NYOTA_WHATSAPP", "sms", "NYOTA_WHATSAPP",
	    "expected one of log|cloud");
	refused("NYOTA_LOG", "loud", "NYOTA_LOG",
	    "expected one of debug|info|warn|error");
	refused("NYOTA_LOG", "d", "NYOTA_LOG", "debug|info");
	accepted("NYOTA_SIM_AUTO", "decline");
	accepted("NYOTA_LOG", "error");
}
END_TEST

START_TEST(bad_urls)
{
	static const char *const bad[] = { "", "localhost:8080",
	    "ftp://shop.example", "http://", "https://", "http:///x",
	    "http://:8080", "http://shop example", "http://shop\n.example",
	    "javascript:alert(1)" };
	size_t i;

	for (i = 0; i < sizeof bad / sizeof *bad; i++) {
		refused("NYOTA_BASE_URL", bad[i], "NYOTA_BASE_URL",
		    "expected an http:// or https:// URL");
		refused("NYOTA_MPESA_BASE_URL", bad[i], "NYOTA_MPESA_BASE_URL",
		    "URL");
		refused("NYOTA_WHATSAPP_API_URL", bad[i],
		    "NYOTA_WHATSAPP_API_URL", "URL");
	}
	accepted("NYOTA_BASE_URL", "http://127.0.0.1:8080");
	accepted("NYOTA_BASE_URL", "https://shop.example/duka/");
}
END_TEST

START_TEST(bad_addrs)
{
	static const char *const bad[] = { "", "localhost", "bogus",
	    "127.0.0.256", "1.2.3", "0.0.0.0 ", "10.0.0.1:80" };
	size_t i;

	for (i = 0; i < sizeof bad / sizeof *bad; i++) {
		refused("NYOTA_HTTP_ADDR", bad[i], "NYOTA_HTTP_ADDR",
		    "expected an IPv4 address");
		refused("NYOTA_SSH_ADDR", bad[i], "NYOTA_SSH_ADDR",
		    "expected an IPv4 or IPv6 address");
	}
	refused("NYOTA_HTTP_ADDR", "::1", "NYOTA_HTTP_ADDR", "IPv4");
	accepted("NYOTA_HTTP_ADDR", "0.0.0.0");
	accepted("NYOTA_SSH_ADDR", "127.0.0.1");
	accepted("NYOTA_SSH_ADDR", "::");
}
END_TEST

/* NYOTA_TRUSTED_PROXY: IP literals only; a match compares addresses. */
START_TEST(trusted_proxy)
{
	static const char *const bad[] = { "localhost", "127.0.0.1,",
	    ",::1", "127.0.0.1, ::1", "10.0.0.0/8", "1.2.3" };
	struct ny_config cfg;
	char *cause = NULL;
	size_t i;

	for (i = 0; i < sizeof bad / sizeof *bad; i++)
		refused("NYOTA_TRUSTED_PROXY", bad[i], "NYOTA_TRUSTED_PROXY",
		    "expected IP addresses");
	accepted("NYOTA_TRUSTED_PROXY", "");
	accepted("NYOTA_TRUSTED_PROXY", "127.0.0.1,::1");

	ck_assert_int_eq(config_load(&cfg, 0, NULL, NULL, &cause), NY_OK);
	ck_assert(!config_trusted_proxy(&cfg, "127.0.0.1"));	/* default */
	config_free(&cfg);
	setenv("NYOTA_TRUSTED_PROXY", "127.0.0.1,0:0::1", 1);
	ck_assert_int_eq(config_load(&cfg, 0, NULL, NULL, &cause), NY_OK);
	unsetenv("NYOTA_TRUSTED_PROXY");
	ck_assert(config_trusted_proxy(&cfg, "127.0.0.1"));
	ck_assert(config_trusted_proxy(&cfg, "::1"));
	ck_assert(!config_trusted_proxy(&cfg, "127.0.0.2"));
	ck_assert(!config_trusted_proxy(&cfg, "10.0.0.1"));
	ck_assert(!config_trusted_proxy(&cfg, "unknown"));
	config_free(&cfg);
}
END_TEST

START_TEST(bad_paths)
{
	refused("NYOTA_DATA_DIR", "", "NYOTA_DATA_DIR", "expected a path");
	refused("NYOTA_DB", "", "NYOTA_DB", "expected a path");
	refused("NYOTA_KEYS_DIR", "", "NYOTA_KEYS_DIR", "expected a path");
}
END_TEST

/* Values are shown bounded and on one line, whatever they hold. */
START_TEST(cause_is_one_bounded_line)
{
	char big[5000];

	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	big[10] = '\n';
	refused("NYOTA_HTTP_PORT", "80\n\r81", "NYOTA_HTTP_PORT", "80??81");
	refused("NYOTA_PAYMENTS", big, "NYOTA_PAYMENTS", "...");
	{
		char *cause = load("NYOTA_PAYMENTS", big, 0, NULL);

		ck_assert_uint_lt(strlen(cause), 200);
		free(cause);
	}
}
END_TEST

START_TEST(bad_flags)
{
	static const char *const bad[] = { "--frobnicate=1", "--http-port",
	    "--=1", "--", "--nyota-http-port=1", "--http-port\n=1" };
	char buf[64], *argv[1], *cause;
	size_t i;

	for (i = 0; i < sizeof bad / sizeof *bad; i++) {
		snprintf(buf, sizeof buf, "%s", bad[i]);
		argv[0] = buf;
		cause = load(NULL, NULL, 1, argv);
		ck_assert_msg(cause != NULL, "flag %s accepted", bad[i]);
		ck_assert_msg(strstr(cause, "unknown option") != NULL, "%s",
		    cause);
		ck_assert_ptr_null(strchr(cause, '\n'));
		free(cause);
	}
	/* A known flag with a bad value names the variable. */
	snprintf(buf, sizeof buf, "--ssh-port=none");
	argv[0] = buf;
	cause = load(NULL, NULL, 1, argv);
	ck_assert_ptr_nonnull(strstr(cause, "NYOTA_SSH_PORT: expected a port"));
	free(cause);
}
END_TEST

START_TEST(providers_need_their_settings)
{
	char *cause;

	setenv("NYOTA_MPESA_CONSUMER_KEY", "k", 1);
	setenv("NYOTA_MPESA_CONSUMER_SECRET", "s", 1);
	setenv("NYOTA_MPESA_SHORTCODE", "174379", 1);
	setenv("NYOTA_MPESA_PASSKEY", "p", 1);
	setenv("NYOTA_MPESA_CALLBACK_SECRET", "short", 1);
	cause = load("NYOTA_PAYMENTS", "mpesa", 0, NULL);
	ck_assert_ptr_nonnull(cause);
	ck_assert_ptr_nonnull(strstr(cause, "NYOTA_PAYMENTS=mpesa: expected"));
	ck_assert_ptr_null(strstr(cause, "174379"));	/* values not echoed */
	free(cause);
	setenv("NYOTA_MPESA_CALLBACK_SECRET", "0123456789abcdef", 1);
	accepted("NYOTA_PAYMENTS", "mpesa");

	/* Stripe needs both keys, and a list names each method once. */
	cause = load("NYOTA_PAYMENTS", "mpesa,stripe", 0, NULL);
	ck_assert_ptr_nonnull(cause);
	ck_assert_ptr_nonnull(strstr(cause, "NYOTA_STRIPE_SECRET_KEY"));
	free(cause);
	setenv("NYOTA_STRIPE_SECRET_KEY", "sk_test_abc", 1);
	setenv("NYOTA_STRIPE_WEBHOOK_SECRET", "whsec_abc", 1);
	accepted("NYOTA_PAYMENTS", "mpesa,stripe");
	accepted("NYOTA_PAYMENTS", "stripe,sim");
	accepted("NYOTA_PAYMENTS", "sim,mpesa,stripe");
	setenv("NYOTA_MPESA_INITIATOR", "apiop", 1);
	cause = load("NYOTA_PAYMENTS", "mpesa", 0, NULL);
	ck_assert_ptr_nonnull(cause);
	ck_assert_ptr_nonnull(strstr(cause, "NYOTA_MPESA_SECURITY_CREDENTIAL"));
	free(cause);
	setenv("NYOTA_MPESA_SECURITY_CREDENTIAL", "c3VjcmV0", 1);
	accepted("NYOTA_PAYMENTS", "mpesa");
	unsetenv("NYOTA_MPESA_INITIATOR");
	unsetenv("NYOTA_MPESA_SECURITY_CREDENTIAL");
	unsetenv("NYOTA_STRIPE_SECRET_KEY");
	unsetenv("NYOTA_STRIPE_WEBHOOK_SECRET");

	cause = load("NYOTA_WHATSAPP", "cloud", 0, NULL);
	ck_assert_ptr_nonnull(cause);
	ck_assert_ptr_nonnull(strstr(cause, "NYOTA_WHATSAPP_TOKEN"));
	free(cause);
	setenv("NYOTA_WHATSAPP_TOKEN", "t", 1);
	setenv("NYOTA_WHATSAPP_PHONE_ID", "1", 1);
	accepted("NYOTA_WHATSAPP", "cloud");
}
END_TEST

static Suite *
config_suite(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, defaults);
	tcase_add_test(tc, env_and_flags);
	tcase_add_test(tc, bad_ports);
	tcase_add_test(tc, bad_numbers);
	tcase_add_test(tc, ssh_startups);
	tcase_add_test(tc, bad_enums);
	tcase_add_test(tc, bad_urls);
	tcase_add_test(tc, bad_addrs);
	tcase_add_test(tc, bad_paths);
	tcase_add_test(tc, trusted_proxy);
	tcase_add_test(tc, cause_is_one_bounded_line);
	tcase_add_test(tc, bad_flags);
	tcase_add_test(tc, uploads_and_public_address);
	tcase_add_test(tc, providers_need_their_settings);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return run_suite(config_suite());
}
