-- Uploads over SSH (DESIGN §10): covers and avatars are images picked
-- from a creator's uploads; their pixel size is recorded with the blob
-- so pages can give width and height (no layout shift while loading).

-- Pixel size of an image blob (shared/image.h); NULL for other files.
ALTER TABLE blobs ADD COLUMN width INTEGER
	CHECK (width IS NULL OR width BETWEEN 1 AND 4000);
ALTER TABLE blobs ADD COLUMN height INTEGER
	CHECK (height IS NULL OR height BETWEEN 1 AND 4000);

-- The creator's picture on /@handle and product pages (an image blob).
ALTER TABLE creators ADD COLUMN avatar_sha256 TEXT REFERENCES blobs(sha256);
CREATE INDEX creators_avatar ON creators(avatar_sha256)
	WHERE avatar_sha256 IS NOT NULL;
