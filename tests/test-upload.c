/*
 * test-upload: a creator's uploads folder is a jail. Plain names open;
 * "..", absolute and slashed paths, hidden names, symlinks (as the file,
 * as the creator's folder, as uploads/), hard links, FIFOs and folders are
 * refused; the store ingests from the descriptor, private (0600/0700).
 */
#include <check.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "crypto.h"
#include "blob.h"
#include "testutil.h"
#include "upload.h"

/* Writes len bytes of data to a new file path. */
static void
put_file(const char *path, const char *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, data, len), (ssize_t)len);
	close(fd);
}

/* A data folder with uploads/amani/ holding song.mp3 ("la la") and a
 * secret file outside the uploads, data/keys-like/master.key. */
static char *
jail(void)
{
	char *dir = tmp_path("data"), *p;

	p = xasprintf("%s/uploads/amani", dir);
	ck_assert_int_eq(ny_mkdirs(p, 0700), NY_OK);
	free(p);
	p = xasprintf("%s/uploads/amani/song.mp3", dir);
	put_file(p, "la la", 5);
	free(p);
	p = xasprintf("%s/keys", dir);
	ck_assert_int_eq(ny_mkdirs(p, 0700), NY_OK);
	free(p);
	p = xasprintf("%s/keys/master.key", dir);
	put_file(p, "secret", 6);
	free(p);
	return dir;
}

/* upload_open's result for name; closes the descriptor when one came. */
static int
try_open(const char *dir, const char *handle, const char *name)
{
	int fd = 123, rc = upload_open(dir, handle, name, &fd);

	if (rc == NY_OK) {
		ck_assert_int_ge(fd, 0);
		close(fd);
	} else
		ck_assert_int_eq(fd, -1);
	return rc;
}

START_TEST(names)
{
	char longname[UPLOAD_NAME_MAX + 2];

	ck_assert(upload_name_ok("song.mp3"));
	ck_assert(upload_name_ok("Nairobi Nights (final) v2.zip"));
	ck_assert(upload_name_ok("wimbo-\xc3\xa9.mp3"));	/* UTF-8 */
	ck_assert(!upload_name_ok(NULL));
	ck_assert(!upload_name_ok(""));
	ck_assert(!upload_name_ok("."));
	ck_assert(!upload_name_ok(".."));
	ck_assert(!upload_name_ok("../x"));
	ck_assert(!upload_name_ok("a/../../x"));
	ck_assert(!upload_name_ok("/etc/passwd"));
	ck_assert(!upload_name_ok("sub/song.mp3"));
	ck_assert(!upload_name_ok(".hidden"));
	ck_assert(!upload_name_ok(".tmp-upload"));
	ck_assert(!upload_name_ok("a\nb"));
	ck_assert(!upload_name_ok("a\x7f"));
	memset(longname, 'a', sizeof longname - 1);
	longname[sizeof longname - 1] = '\0';
	ck_assert(!upload_name_ok(longname));		/* 256 bytes */
	longname[UPLOAD_NAME_MAX] = '\0';
	ck_assert(upload_name_ok(longname));		/* 255 bytes */
}
END_TEST

START_TEST(plain_name_opens)
{
	char *dir = jail(), buf[16];
	int fd;
	ssize_t n;

	ck_assert_int_eq(upload_open(dir, "amani", "song.mp3", &fd), NY_OK);
	ck_assert_int_eq(fcntl(fd, F_GETFL) & O_NONBLOCK, 0);
	ck_assert_int_ne(fcntl(fd, F_GETFD) & FD_CLOEXEC, 0);
	n = read(fd, buf, sizeof buf);
	ck_assert_int_eq(n, 5);
	ck_assert_int_eq(memcmp(buf, "la la", 5), 0);
	close(fd);
	ck_assert_int_eq(try_open(dir, "amani", "nope.mp3"), NY_ENOTFOUND);
	ck_assert_int_eq(try_open(dir, "baraka", "song.mp3"), NY_ENOTFOUND);
	free(dir);
}
END_TEST

START_TEST(paths_refused)
{
	char *dir = jail();

	ck_assert_int_eq(try_open(dir, "amani", "../../keys/master.key"),
	    NY_EINVAL);
	ck_assert_int_eq(try_open(dir, "amani", ".."), NY_EINVAL);
	ck_assert_int_eq(try_open(dir, "amani", "/etc/passwd"), NY_EINVAL);
	ck_assert_int_eq(try_open(dir, "amani", "./song.mp3"), NY_EINVAL);
	ck_assert_int_eq(try_open(dir, "amani", "sub//song.mp3"), NY_EINVAL);
	ck_assert_int_eq(try_open(dir, "amani", "sub/../song.mp3"), NY_EINVAL);
	ck_assert_int_eq(try_open(dir, "amani", "sub/"), NY_EINVAL);
	ck_assert_int_eq(try_open(dir, "amani", "sub/.hidden"), NY_EINVAL);
	ck_assert_int_eq(try_open(dir, "amani", "a/b/c/d/e/f/g/h/i/j.mp3"),
	    NY_EINVAL);	/* deeper than UPLOAD_DEPTH_MAX */
	/* a folder path that is fine but absent */
	ck_assert_int_eq(try_open(dir, "amani", "sub/song.mp3"), NY_ENOTFOUND);
	/* a handle is a folder name too */
	ck_assert_int_eq(try_open(dir, "..", "keys"), NY_EINVAL);
	ck_assert_int_eq(try_open(dir, "amani/..", "x"), NY_EINVAL);
	free(dir);
}
END_TEST

START_TEST(symlinks_refused)
{
	char *dir = jail(), *link, *target;

	/* the file is a symlink out of the jail (absolute and relative) */
	target = xasprintf("%s/keys/master.key", dir);
	link = xasprintf("%s/uploads/amani/key.bin", dir);
	ck_assert_int_eq(symlink(target, link), 0);
	ck_assert_int_eq(try_open(dir, "amani", "key.bin"), NY_EDENIED);
	free(link);
	link = xasprintf("%s/uploads/amani/rel.bin", dir);
	ck_assert_int_eq(symlink("../../keys/master.key", link), 0);
	ck_assert_int_eq(try_open(dir, "amani", "rel.bin"), NY_EDENIED);
	free(link);
	/* even a symlink to a file inside the jail: no links at all */
	link = xasprintf("%s/uploads/amani/alias.mp3", dir);
	ck_assert_int_eq(symlink("song.mp3", link), 0);
	ck_assert_int_eq(try_open(dir, "amani", "alias.mp3"), NY_EDENIED);
	free(link);
	free(target);
	/* the creator's folder is a symlink to keys/ */
	target = xasprintf("%s/keys", dir);
	link = xasprintf("%s/uploads/baraka", dir);
	ck_assert_int_eq(symlink(target, link), 0);
	ck_assert_int_eq(try_open(dir, "baraka", "master.key"), NY_EDENIED);
	free(link);
	free(target);
	free(dir);
}
END_TEST

START_TEST(uploads_symlink_refused)
{
	char *dir = jail(), *up, *moved;

	/* uploads/ itself replaced by a symlink to a look-alike tree */
	up = xasprintf("%s/uploads", dir);
	moved = xasprintf("%s/elsewhere", dir);
	ck_assert_int_eq(rename(up, moved), 0);
	ck_assert_int_eq(symlink(moved, up), 0);
	ck_assert_int_eq(try_open(dir, "amani", "song.mp3"), NY_EDENIED);
	free(up);
	free(moved);
	free(dir);
}
END_TEST

START_TEST(hard_link_refused)
{
	char *dir = jail(), *target, *hard;

	target = xasprintf("%s/keys/master.key", dir);
	hard = xasprintf("%s/uploads/amani/hard.bin", dir);
	ck_assert_int_eq(link(target, hard), 0);
	ck_assert_int_eq(try_open(dir, "amani", "hard.bin"), NY_EDENIED);
	free(hard);
	free(target);
	free(dir);
}
END_TEST

START_TEST(fifo_and_folder_refused)
{
	char *dir = jail(), *p;

	/* a FIFO with no writer: refused at once, never blocks */
	p = xasprintf("%s/uploads/amani/pipe.mp3", dir);
	ck_assert_int_eq(mkfifo(p, 0600), 0);
	ck_assert_int_eq(try_open(dir, "amani", "pipe.mp3"), NY_EDENIED);
	free(p);
	p = xasprintf("%s/uploads/amani/album", dir);
	ck_assert_int_eq(mkdir(p, 0700), 0);
	ck_assert_int_eq(try_open(dir, "amani", "album"), NY_EDENIED);
	free(p);
	free(dir);
}
END_TEST

/* Subfolders open (each step O_NOFOLLOW); a symlinked folder does not. */
START_TEST(subfolders)
{
	char *dir = jail(), *p, *q;

	p = xasprintf("%s/uploads/amani/raw/2026", dir);
	ck_assert_int_eq(ny_mkdirs(p, 0700), NY_OK);
	free(p);
	p = xasprintf("%s/uploads/amani/raw/2026/a.png", dir);
	put_file(p, "png", 3);
	free(p);
	ck_assert_int_eq(try_open(dir, "amani", "raw/2026/a.png"), NY_OK);
	p = xasprintf("%s/keys", dir);
	q = xasprintf("%s/uploads/amani/secrets", dir);
	ck_assert_int_eq(symlink(p, q), 0);
	ck_assert_int_eq(try_open(dir, "amani", "secrets/master.key"),
	    NY_EDENIED);
	free(p);
	free(q);
	free(dir);
}
END_TEST

/* The picker's list: newest first, subfolders in, links and hidden out. */
START_TEST(list_and_usage)
{
	struct upload_entry *v;
	struct timespec ts[2];
	char *dir = jail(), *p, *q;
	int64_t bytes, entries;
	size_t n;
	int hd;

	p = xasprintf("%s/uploads/amani/raw", dir);
	ck_assert_int_eq(ny_mkdirs(p, 0700), NY_OK);
	free(p);
	p = xasprintf("%s/uploads/amani/raw/b.png", dir);
	put_file(p, "0123456789", 10);
	ts[0].tv_sec = ts[1].tv_sec = 2000000000;	/* newest */
	ts[0].tv_nsec = ts[1].tv_nsec = 0;
	ck_assert_int_eq(utimensat(AT_FDCWD, p, ts, 0), 0);
	free(p);
	p = xasprintf("%s/uploads/amani/.nyota-part-1", dir);
	put_file(p, "partial", 7);
	free(p);
	p = xasprintf("%s/keys/master.key", dir);
	q = xasprintf("%s/uploads/amani/key-link", dir);
	ck_assert_int_eq(symlink(p, q), 0);
	free(q);
	q = xasprintf("%s/uploads/amani/hard", dir);
	ck_assert_int_eq(link(p, q), 0);
	free(p);
	free(q);

	ck_assert_int_eq(upload_list(dir, "amani", &v, &n), NY_OK);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(v[0].path, "raw/b.png");
	ck_assert_int_eq(v[0].size, 10);
	ck_assert_str_eq(v[1].path, "song.mp3");
	free(v);
	ck_assert_int_eq(upload_list(dir, "nobody", &v, &n), NY_OK);
	ck_assert_uint_eq(n, 0);
	ck_assert_ptr_null(v);
	ck_assert_int_eq(upload_list(dir, "../keys", &v, &n), NY_EINVAL);

	/* usage counts temporaries and the hard link, not the symlink */
	p = xasprintf("%s/uploads/amani", dir);
	hd = open(p, O_RDONLY | O_DIRECTORY);
	ck_assert_int_ge(hd, 0);
	ck_assert_int_eq(upload_usage_at(hd, &bytes, &entries), NY_OK);
	ck_assert_int_eq(bytes, 5 + 10 + 7 + 6);
	/* song.mp3 raw/ raw/b.png .nyota-part-1 key-link hard */
	ck_assert_int_eq(entries, 6);
	close(hd);
	free(p);
	free(dir);
}
END_TEST

START_TEST(blob_from_fd_is_private)
{
	static const unsigned char key[32] = "nyota-test-master-key-32-bytes!";
	char *dir = jail(), sha[BLOB_SHA_LEN], mime[BLOB_MIME_LEN];
	char path[4096], *p;
	struct stat sb;
	struct db *db = test_db("upload", NULL);
	int64_t size = 0;
	mode_t old = umask(022);	/* a lax umask must not matter */
	int fd;

	crypto_init_key(key);
	ck_assert_int_eq(upload_open(dir, "amani", "song.mp3", &fd), NY_OK);
	ck_assert_int_eq(blob_put_fd(db, dir, fd, "song.mp3", sha, &size, mime,
	    NULL, NULL), NY_OK);
	close(fd);
	umask(old);
	ck_assert_int_eq(size, 5);
	ck_assert_str_eq(mime, "audio/mpeg");
	ck_assert_int_eq(blob_get(db, sha, &size, NULL), NY_OK);
	blob_path(dir, sha, path, sizeof path);
	ck_assert_int_eq(stat(path, &sb), 0);
	ck_assert_int_eq(sb.st_mode & 0777, 0600);
	p = xasprintf("%s/files", dir);
	ck_assert_int_eq(stat(p, &sb), 0);
	ck_assert_int_eq(sb.st_mode & 0777, 0700);
	free(p);
	*strrchr(path, '/') = '\0';
	ck_assert_int_eq(stat(path, &sb), 0);
	ck_assert_int_eq(sb.st_mode & 0777, 0700);
	db_close(db);
	free(dir);
}
END_TEST

static Suite *
upload_suite(void)
{
	Suite *s = suite_create("upload");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, names);
	tcase_add_test(tc, plain_name_opens);
	tcase_add_test(tc, paths_refused);
	tcase_add_test(tc, symlinks_refused);
	tcase_add_test(tc, uploads_symlink_refused);
	tcase_add_test(tc, hard_link_refused);
	tcase_add_test(tc, fifo_and_folder_refused);
	tcase_add_test(tc, blob_from_fd_is_private);
	tcase_add_test(tc, subfolders);
	tcase_add_test(tc, list_and_usage);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return run_suite(upload_suite());
}
