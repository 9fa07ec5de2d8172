/*
 * test-blob: SHA-256 correctness, layout, dedupe, no temporary files left
 * behind, progress, MIME by name and by sniffing, blob rows.
 */
#include <check.h>
#include <dirent.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "crypto.h"
#include "db.h"
#include "blob.h"
#include "testutil.h"

static const unsigned char test_key[32] = "nyota-test-master-key-32-bytes!";

static void
setup(void)
{
	crypto_init_key(test_key);
}

/* Number of entries in dir/files/ whose name starts with ".tmp". */
static int
tmp_files(const char *dir)
{
	char *p = xasprintf("%s/files", dir);
	DIR *d = opendir(p);
	struct dirent *e;
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)) != NULL)
		if (strncmp(e->d_name, ".tmp", 4) == 0)
			n++;
	closedir(d);
	free(p);
	return n;
}

START_TEST(sha_and_layout)
{
	char *dir = tmp_path("data"), sha[BLOB_SHA_LEN], mime[BLOB_MIME_LEN];
	char path[4096], *back = NULL;
	size_t len;

	ck_assert_int_eq(blob_write_mem(dir, "abc", 3, "a.txt", sha, mime),
	    NY_OK);
	ck_assert_str_eq(sha, "ba7816bf8f01cfea414140de5dae2223"
	    "b00361a396177a9cb410ff61f20015ad");
	ck_assert_str_eq(mime, "text/plain; charset=utf-8");
	blob_path(dir, sha, path, sizeof path);
	ck_assert_ptr_nonnull(strstr(path, "/files/ba/7816bf8f01cf"));
	ck_assert_int_eq(ny_read_file(path, 100, &back, &len), NY_OK);
	ck_assert_int_eq(len, 3);
	ck_assert_str_eq(back, "abc");
	free(back);
	/* Empty content is a valid blob too. */
	ck_assert_int_eq(blob_write_mem(dir, "", 0, NULL, sha, NULL), NY_OK);
	ck_assert_str_eq(sha, "e3b0c44298fc1c149afbf4c8996fb924"
	    "27ae41e4649b934ca495991b7852b855");
	ck_assert_int_eq(tmp_files(dir), 0);
	ck_assert(blob_sha_ok(sha));
	ck_assert(!blob_sha_ok("ABC"));
	free(dir);
}
END_TEST

struct progress {
	int	 calls;
	int64_t	 last, total;
};

static void
on_progress(void *arg, int64_t done, int64_t total)
{
	struct progress *p = arg;

	ck_assert_int_ge(done, p->last);
	p->calls++;
	p->last = done;
	p->total = total;
}

START_TEST(big_file_dedupe)
{
	char *dir = tmp_path("data"), *src = tmp_path("src.bin");
	char sha[BLOB_SHA_LEN], sha2[BLOB_SHA_LEN], want[BLOB_SHA_LEN];
	char mime[BLOB_MIME_LEN], path[4096], *dbp;
	unsigned char *data, digest[32];
	size_t n = 9 * 1024 * 1024 + 123;
	struct progress pr = { 0, 0, 0 };
	struct stat sb, sb2;
	struct db *db;
	int64_t size = 0;
	FILE *f;

	db = test_db("s.db", &dbp);
	data = xmalloc(n);
	for (size_t i = 0; i < n; i++)
		data[i] = (unsigned char)(i * 2654435761u >> 13);
	memcpy(data, "%PDF-1.4", 8);
	f = fopen(src, "wb");
	ck_assert_uint_eq(fwrite(data, 1, n, f), n);
	fclose(f);
	crypto_hash_sha256(digest, data, n);
	crypto_hex(digest, sizeof digest, want);
	ck_assert_int_eq(blob_put_file(db, dir, src, "book", sha, &size, mime,
	    on_progress, &pr), NY_OK);
	ck_assert_str_eq(sha, want);
	ck_assert_int_eq(size, (int64_t)n);
	ck_assert_str_eq(mime, "application/pdf");	/* sniffed */
	ck_assert_int_ge(pr.calls, 3);
	ck_assert_int_eq(pr.last, (int64_t)n);
	ck_assert_int_eq(pr.total, (int64_t)n);
	blob_path(dir, sha, path, sizeof path);
	ck_assert_int_eq(stat(path, &sb), 0);
	/* Same content again: same blob, file untouched, one row. */
	ck_assert_int_eq(blob_put_file(db, dir, src, "other.pdf", sha2, NULL,
	    NULL, NULL, NULL), NY_OK);
	ck_assert_str_eq(sha, sha2);
	ck_assert_int_eq(stat(path, &sb2), 0);
	ck_assert_int_eq(sb.st_ino, sb2.st_ino);
	ck_assert_int_eq(tmp_files(dir), 0);
	size = 0;
	ck_assert_int_eq(blob_get(db, sha, &size, mime), NY_OK);
	ck_assert_int_eq(size, (int64_t)n);
	ck_assert_str_eq(mime, "application/pdf");
	ck_assert_int_eq(blob_get(db, want + 1, NULL, NULL), NY_ENOTFOUND);
	ck_assert_int_eq(blob_put_file(db, dir, "/nonexistent/x", NULL, sha,
	    NULL, NULL, NULL, NULL), NY_ENOTFOUND);
	ck_assert_int_eq(blob_add(db, "xyz", 1, NULL), NY_EINVAL);
	free(data);
	db_close(db);
	free(dir);
	free(src);
	free(dbp);
}
END_TEST

START_TEST(mime)
{
	ck_assert_str_eq(blob_mime_by_name("Book.PDF"), "application/pdf");
	ck_assert_str_eq(blob_mime_by_name("a.tar.zip"), "application/zip");
	ck_assert_str_eq(blob_mime_by_name("song.mp3"), "audio/mpeg");
	ck_assert_ptr_null(blob_mime_by_name("noext"));
	ck_assert_ptr_null(blob_mime_by_name("x.exe"));
	ck_assert_ptr_null(blob_mime_by_name("dir.d/file"));
	ck_assert_str_eq(blob_mime_sniff((const unsigned char *)
	    "\x89PNG\r\n\x1a\n....", 12), "image/png");
	ck_assert_str_eq(blob_mime_sniff((const unsigned char *)
	    "\xff\xd8\xff\xe0", 4), "image/jpeg");
	ck_assert_str_eq(blob_mime_sniff((const unsigned char *)
	    "PK\x03\x04", 4), "application/zip");
	ck_assert_str_eq(blob_mime_sniff((const unsigned char *)
	    "ID3\x04", 4), "audio/mpeg");
	ck_assert_str_eq(blob_mime_sniff((const unsigned char *)
	    "\0\0\0\x18" "ftypmp42", 12), "video/mp4");
	ck_assert_str_eq(blob_mime_sniff((const unsigned char *)
	    "Habari za leo? Nzuri.\n", 22), "text/plain; charset=utf-8");
	ck_assert_ptr_null(blob_mime_sniff((const unsigned char *)
	    "\x01\x02\x03", 3));
	ck_assert_ptr_null(blob_mime_sniff((const unsigned char *)"", 0));
}
END_TEST

static Suite *
blob_suite(void)
{
	Suite *s = suite_create("store");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, sha_and_layout);
	tcase_add_test(tc, big_file_dedupe);
	tcase_add_test(tc, mime);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return run_suite(blob_suite());
}
