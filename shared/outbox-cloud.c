/*
 * outbox-cloud.c: the WhatsApp Cloud API driver (libcurl).
 *
 * POST {API_URL}/{PHONE_ID}/messages with a Bearer token and a template
 * message (business-initiated messages outside the 24 h window must be
 * pre-approved templates):
 *
 *   {"messaging_product":"whatsapp","to":"2547…","type":"template",
 *    "template":{"name":TEMPLATE,"language":{"code":"sw"},
 *     "components":[{"type":"body","parameters":[{"type":"text",
 *      "text":…}]}]}}
 *
 * Parameters are the message's params (a JSON array of strings, "{link}"
 * replaced), or when that is empty one parameter holding the whole body
 * (newlines folded, since template parameters may not contain them): one
 * configured template "{{1}}" then carries every kind of message.
 *
 * Outcome: 2xx sent (provider id = messages[0].id); 429, 5xx, timeouts and
 * connection errors retry; other 4xx fail for good with the API's
 * error.message as the reason.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <jansson.h>

#include "outbox-int.h"

#define OB_CLOUD_RESP_MAX	(64 * 1024)

struct ob_cloud {
	char	*url;
	char	*auth;
	char	*template_name;
	long	 timeout_ms;
	CURL	*curl;
};

enum ny_err
outbox_cloud_new(const struct outbox_conf *conf, void **data, char **cause)
{
	struct ob_cloud *cl;
	const char *miss = NULL;

	if (conf->api_url == NULL || *conf->api_url == '\0')
		miss = "NYOTA_WHATSAPP_API_URL";
	else if (conf->token == NULL || *conf->token == '\0')
		miss = "NYOTA_WHATSAPP_TOKEN";
	else if (conf->phone_id == NULL || *conf->phone_id == '\0')
		miss = "NYOTA_WHATSAPP_PHONE_ID";
	else if (conf->template_name == NULL || *conf->template_name == '\0')
		miss = "NYOTA_WHATSAPP_TEMPLATE";
	if (miss != NULL) {
		*cause = xasprintf("%s: required when NYOTA_WHATSAPP=cloud",
		    miss);
		return NY_EINVAL;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	cl = xcalloc(1, sizeof *cl);
	cl->url = xasprintf("%s/%s/messages", conf->api_url, conf->phone_id);
	cl->auth = xasprintf("Authorization: Bearer %s", conf->token);
	cl->template_name = xstrdup(conf->template_name);
	cl->timeout_ms = conf->timeout_ms > 0 ? conf->timeout_ms : 10000;
	if ((cl->curl = curl_easy_init()) == NULL)
		abort();
	*data = cl;
	return NY_OK;
}

static void
ob_cloud_free(void *data)
{
	struct ob_cloud *cl = data;

	curl_easy_cleanup(cl->curl);
	free(cl->url);
	free(cl->auth);
	free(cl->template_name);
	free(cl);
}

static size_t
ob_cloud_write(char *p, size_t size, size_t n, void *arg)
{
	struct ny_buf *b = arg;

	/* Past the maximum: keep what we have, swallow the rest. */
	(void)buf_add(b, p, size * n);
	return size * n;
}

/* The body folded onto one line (templates refuse newlines). */
static char *
ob_cloud_fold(const char *s)
{
	char *t = xstrdup(s), *p;

	for (p = t; *p; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
	return t;
}

/* The request JSON (caller frees). */
static char *
ob_cloud_request(const struct ob_cloud *cl, const struct outbox_send *m)
{
	json_t *params = json_loads(m->params ? m->params : "[]", 0, NULL);
	json_t *list = json_array(), *v, *req;
	size_t i;
	char *s;

	if (json_is_array(params) && json_array_size(params) > 0) {
		json_array_foreach(params, i, v)
			if (json_is_string(v))
				json_array_append_new(list, json_pack(
				    "{ss ss}", "type", "text", "text",
				    json_string_value(v)));
	} else {
		char *fold = ob_cloud_fold(m->body);

		json_array_append_new(list, json_pack("{ss ss}", "type", "text",
		    "text", fold));
		free(fold);
	}
	json_decref(params);
	req = json_pack("{ss ss ss s{ss s{ss} s[{ss so}]}}",
	    "messaging_product", "whatsapp", "to", m->to, "type", "template",
	    "template", "name", cl->template_name, "language", "code",
	    m->locale, "components", "type", "body", "parameters", list);
	s = json_dumps(req, JSON_COMPACT);
	json_decref(req);
	return s;
}

/* Reads messages[0].id or error.message from a response body. */
static void
ob_cloud_parse(const char *body, char *provider_id, size_t idlen,
    char *reason, size_t reasonlen)
{
	json_t *r = json_loads(body, 0, NULL), *v;

	v = json_object_get(json_array_get(json_object_get(r, "messages"), 0),
	    "id");
	if (json_is_string(v))
		snprintf(provider_id, idlen, "%s", json_string_value(v));
	v = json_object_get(json_object_get(r, "error"), "message");
	if (json_is_string(v))
		snprintf(reason, reasonlen, "%s", json_string_value(v));
	json_decref(r);
}

static enum outbox_result
ob_cloud_send(void *data, const struct outbox_send *m, char *provider_id,
    size_t idlen, char *reason, size_t reasonlen)
{
	struct ob_cloud *cl = data;
	struct curl_slist *h = NULL;
	struct ny_buf resp;
	char *req, detail[200] = "";
	long status = 0;
	CURLcode cc;

	if (strspn(m->to, "0123456789") != strlen(m->to) || strlen(m->to) < 8) {
		snprintf(reason, reasonlen, "invalid phone number");
		return OUTBOX_FAIL;
	}
	req = ob_cloud_request(cl, m);
	buf_init(&resp, OB_CLOUD_RESP_MAX);
	h = curl_slist_append(h, cl->auth);
	h = curl_slist_append(h, "Content-Type: application/json");
	curl_easy_reset(cl->curl);
	curl_easy_setopt(cl->curl, CURLOPT_URL, cl->url);
	curl_easy_setopt(cl->curl, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(cl->curl, CURLOPT_POSTFIELDS, req);
	curl_easy_setopt(cl->curl, CURLOPT_WRITEFUNCTION, ob_cloud_write);
	curl_easy_setopt(cl->curl, CURLOPT_WRITEDATA, &resp);
	curl_easy_setopt(cl->curl, CURLOPT_TIMEOUT_MS, cl->timeout_ms);
	curl_easy_setopt(cl->curl, CURLOPT_CONNECTTIMEOUT_MS, cl->timeout_ms);
	curl_easy_setopt(cl->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(cl->curl, CURLOPT_PROTOCOLS_STR, "http,https");
	cc = curl_easy_perform(cl->curl);
	if (cc == CURLE_OK)
		curl_easy_getinfo(cl->curl, CURLINFO_RESPONSE_CODE, &status);
	curl_slist_free_all(h);
	free(req);
	if (cc != CURLE_OK) {
		buf_free(&resp);
		snprintf(reason, reasonlen, "network: %s",
		    curl_easy_strerror(cc));
		return OUTBOX_RETRY;
	}
	ob_cloud_parse(resp.data != NULL ? resp.data : "", provider_id, idlen,
	    detail, sizeof detail);
	buf_free(&resp);
	if (status >= 200 && status < 300)
		return OUTBOX_SENT;
	snprintf(reason, reasonlen, "http %ld%s%s", status,
	    detail[0] ? ": " : "", detail);
	return status == 429 || status >= 500 ? OUTBOX_RETRY : OUTBOX_FAIL;
}

const struct outbox_driver outbox_driver_cloud = {
	.name = "cloud",
	.send = ob_cloud_send,
	.free = ob_cloud_free,
};
