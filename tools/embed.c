/*
 * embed: writes a C file holding the bytes of every file named on the
 * command line, as a table `ny_assets` of {path, data, len}, terminated by
 * a NULL path. Used at build time so the binaries carry their migrations,
 * locales, templates and static assets and need nothing beside them.
 */
#include <stdio.h>
#include <stdlib.h>

int
main(int argc, char **argv)
{
	int i, c;
	size_t n;
	FILE *f;

	printf("#include <stddef.h>\n#include \"assets.h\"\n");
	for (i = 1; i < argc; i++) {
		if ((f = fopen(argv[i], "rb")) == NULL) {
			perror(argv[i]);
			return 1;
		}
		printf("static const unsigned char a%d[] = {", i);
		n = 0;
		while ((c = fgetc(f)) != EOF)
			printf("%s%d", n == 0 ? "\n" : n % 20 ? "," : ",\n", c),
			    n++;
		printf("%s0};\n", n ? "," : "");
		fclose(f);
	}
	printf("const struct ny_asset ny_assets[] = {\n");
	for (i = 1; i < argc; i++) {
		f = fopen(argv[i], "rb");
		fseek(f, 0, SEEK_END);
		printf("  {\"%s\", a%d, %ld},\n", argv[i], i, ftell(f));
		fclose(f);
	}
	printf("  {NULL, NULL, 0}\n};\n");
	return 0;
}
