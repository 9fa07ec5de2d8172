/*
 * test-qr: half-block text and SVG renderings have the right size, the
 * finder pattern where it belongs, and agree with each other.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "qr.h"
#include "testutil.h"

#define UPPER	"\xe2\x96\x80"
#define LOWER	"\xe2\x96\x84"
#define FULL	"\xe2\x96\x88"

/* Splits s into lines of cells: each cell 0..3 (bit 0 top, bit 1 bottom). */
static int
cells(const char *s, int *out, size_t max, size_t *ncols, size_t *nlines)
{
	size_t n = 0, col = 0;

	*ncols = 0;
	*nlines = 0;
	while (*s) {
		int v;

		if (*s == '\n') {
			if (*nlines == 0)
				*ncols = col;
			else if (col != *ncols)
				return -1;
			(*nlines)++;
			col = 0;
			s++;
			continue;
		}
		if (*s == ' ') {
			v = 0;
			s++;
		} else if (strncmp(s, UPPER, 3) == 0) {
			v = 1;
			s += 3;
		} else if (strncmp(s, LOWER, 3) == 0) {
			v = 2;
			s += 3;
		} else if (strncmp(s, FULL, 3) == 0) {
			v = 3;
			s += 3;
		} else
			return -1;
		if (n >= max)
			return -1;
		out[n++] = v;
		col++;
	}
	return col == 0 ? 0 : -1;	/* ends with a newline */
}

START_TEST(text_dimensions)
{
	static int grid[200 * 100];
	char *s;
	size_t cols, w, lines;

	ck_assert_int_eq(qr_text("hello", QR_LIGHT_BG, &s, &cols), NY_OK);
	ck_assert_int_eq(cols, 21 + 8);		/* version 1 */
	ck_assert_int_eq(cells(s, grid, sizeof grid / sizeof grid[0], &w,
	    &lines), 0);
	ck_assert_int_eq(w, cols);
	ck_assert_int_eq(lines, (cols + 1) / 2);
	/* Quiet zone: the first two lines are blank. */
	ck_assert_int_eq(grid[0], 0);
	ck_assert_int_eq(grid[cols + 5], 0);
	/* Line 2 = module rows 4 and 5: the top-left finder's first two rows
	 * (7 dark, then dark + 5 light + dark). */
	ck_assert_int_eq(grid[2 * cols + 3], 0);
	ck_assert_int_eq(grid[2 * cols + 4], 3);
	ck_assert_int_eq(grid[2 * cols + 5], 1);
	ck_assert_int_eq(grid[2 * cols + 9], 1);
	ck_assert_int_eq(grid[2 * cols + 10], 3);
	free(s);

	/* A longer URL needs a bigger version; still square and odd. */
	ck_assert_int_eq(qr_text("otpauth://totp/Nyota:amina?secret="
	    "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Nyota", QR_DARK_BG, &s,
	    &cols), NY_OK);
	ck_assert_int_gt(cols, 29);
	ck_assert_int_eq((cols - 8 - 21) % 4, 0);
	ck_assert_int_eq(cells(s, grid, sizeof grid / sizeof grid[0], &w,
	    &lines), 0);
	ck_assert_int_eq(w, cols);
	ck_assert_int_eq(lines, (cols + 1) / 2);
	free(s);
}
END_TEST

START_TEST(styles_are_inverse)
{
	static int a[100 * 50], b[100 * 50];
	char *sa, *sb;
	size_t cols, w, la, lb, i;

	ck_assert_int_eq(qr_text("https://nyota.example/l/abc", QR_LIGHT_BG,
	    &sa, &cols), NY_OK);
	ck_assert_int_eq(qr_text("https://nyota.example/l/abc", QR_DARK_BG,
	    &sb, NULL), NY_OK);
	ck_assert_int_eq(cells(sa, a, sizeof a / sizeof a[0], &w, &la), 0);
	ck_assert_int_eq(cells(sb, b, sizeof b / sizeof b[0], &w, &lb), 0);
	ck_assert_int_eq(la, lb);
	/* Every full line is the exact inverse; the last (half) line keeps
	 * its lower half empty in both. */
	for (i = 0; i < (la - 1) * cols; i++)
		ck_assert_int_eq(a[i], 3 - b[i]);
	for (; i < la * cols; i++) {
		ck_assert_int_eq(a[i] & 2, 0);
		ck_assert_int_eq(b[i] & 2, 0);
		ck_assert_int_eq(a[i] ^ b[i], 1);
	}
	free(sa);
	free(sb);
}
END_TEST

/* Sums the areas of "M x yhNv1h-Nz" runs of the path. */
static long
svg_area(const char *svg)
{
	const char *p = strstr(svg, " d=\"");
	long area = 0;
	int x, y, n, m, used;

	ck_assert_ptr_nonnull(p);
	p += 4;
	while (*p == 'M') {
		ck_assert_int_eq(sscanf(p, "M%d %dh%dv1h-%dz%n", &x, &y, &n, &m,
		    &used), 4);
		ck_assert_int_eq(n, m);
		area += n;
		p += used;
	}
	ck_assert_int_eq(*p, '"');
	return area;
}

START_TEST(svg_matches_text)
{
	static int g[100 * 50];
	const char *url = "https://nyota.example/t/ABCD-2345";
	char *svg, *txt, view[64];
	size_t cols, w, lines, i;
	long dark = 0;

	ck_assert_int_eq(qr_svg(url, &svg), NY_OK);
	ck_assert_int_eq(qr_text(url, QR_LIGHT_BG, &txt, &cols), NY_OK);
	snprintf(view, sizeof view, "viewBox=\"0 0 %zu %zu\"", cols, cols);
	ck_assert_ptr_nonnull(strstr(svg, view));
	ck_assert(strncmp(svg, "<svg ", 5) == 0);
	ck_assert_str_eq(svg + strlen(svg) - 6, "</svg>");
	/* Exactly one path. */
	ck_assert_ptr_nonnull(strstr(svg, "<path"));
	ck_assert_ptr_null(strstr(strstr(svg, "<path") + 1, "<path"));
	ck_assert_int_eq(cells(txt, g, sizeof g / sizeof g[0], &w, &lines), 0);
	for (i = 0; i < lines * cols; i++)
		dark += (g[i] & 1) + ((g[i] >> 1) & 1);
	ck_assert_int_eq(svg_area(svg), dark);
	free(svg);
	free(txt);
}
END_TEST

START_TEST(refused)
{
	char *s = (char *)"untouched", *big;

	ck_assert_int_eq(qr_text("", QR_LIGHT_BG, &s, NULL), NY_EINVAL);
	ck_assert_int_eq(qr_text(NULL, QR_LIGHT_BG, &s, NULL), NY_EINVAL);
	ck_assert_int_eq(qr_svg("", &s), NY_EINVAL);
	big = malloc(5000);
	memset(big, 'x', 4999);
	big[4999] = '\0';
	ck_assert_int_eq(qr_text(big, QR_LIGHT_BG, &s, NULL), NY_EINVAL);
	ck_assert_int_eq(qr_svg(big, &s), NY_EINVAL);
	ck_assert_str_eq(s, "untouched");
	free(big);
}
END_TEST

static Suite *
qr_suite(void)
{
	Suite *s = suite_create("qr");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, text_dimensions);
	tcase_add_test(tc, styles_are_inverse);
	tcase_add_test(tc, svg_matches_text);
	tcase_add_test(tc, refused);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return run_suite(qr_suite());
}
