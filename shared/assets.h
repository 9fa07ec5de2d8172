/*
 * assets.h: files embedded into the binaries at build time (tools/embed):
 * migrations/, locales/, storefront/templates/, storefront/static/.
 */
#ifndef NY_ASSETS_H
#define NY_ASSETS_H

#include <stddef.h>

struct ny_asset {
	const char		*path;	/* as given to embed, e.g. "locales/en.json" */
	const unsigned char	*data;	/* NUL-terminated after len bytes */
	size_t			 len;
};

/* Terminated by an entry with a NULL path. */
extern const struct ny_asset ny_assets[];

/* Returns the asset at exactly `path`, or NULL. */
const struct ny_asset *asset_find(const char *path);

#endif
