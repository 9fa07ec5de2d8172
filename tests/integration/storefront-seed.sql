-- A small catalog for the storefront tests (loaded with sqlite3 after the
-- server migrated the database). Times: 1795000000 ≈ Nov 2026.
INSERT INTO creators(id, handle, display_name, bio, locale, created_at)
VALUES (1, 'amani', 'Amani Studio', 'Music & stories from Nairobi <b>live</b>', 'sw', 1795000000),
       (2, 'zawadi', 'Zawadi', '', 'en', 1795000000);
INSERT INTO creators(id, handle, display_name, locale, created_at, disabled_at)
VALUES (3, 'gone', 'Gone', 'en', 1795000000, 1795000001);
INSERT INTO blobs(sha256, size, mime, created_at) VALUES
 ('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 52428800, 'application/zip', 1795000000),
 ('bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', 2048, 'application/pdf', 1795000000);
INSERT INTO products(id, creator_id, slug, kind, title, summary, story_md,
  price_minor, currency, status, created_at, updated_at, published_at)
VALUES (1, 1, 'nairobi-nights', 'download', 'Nairobi Nights',
  'Eight songs recorded live in Nairobi',
  '# The making of
Recorded over **three nights** in a small club.

<script>alert(1)</script>

[click](javascript:alert(2))

> Music is the weapon.', 50000, 'KES', 'published', 1795000000, 1795000000, 1795000100);
INSERT INTO product_files(product_id, name, sha256, position) VALUES
 (1, 'nairobi-nights.zip', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 0),
 (1, 'liner-notes.pdf', 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', 1);
INSERT INTO products(id, creator_id, slug, kind, title, summary, story_md,
  price_minor, currency, status, period_days, created_at, updated_at, published_at)
VALUES (2, 1, 'msafiri-club', 'subscription', 'Msafiri Club',
  'A new story every week', 'Stories for the road.', 20000, 'KES',
  'published', 30, 1795000000, 1795000000, 1795000200);
INSERT INTO products(id, creator_id, slug, kind, title, summary, story_md,
  price_minor, currency, status, starts_at, venue, capacity, created_at, updated_at, published_at)
VALUES (3, 2, 'tamasha-live', 'ticket', 'Tamasha Live',
  'An evening of taarab', 'Doors open at 8.', 150000, 'KES', 'published',
  1800000000, 'Alliance Française, Nairobi', 100, 1795000000, 1795000000, 1795000300);
INSERT INTO products(id, creator_id, slug, kind, title, summary, story_md,
  price_minor, currency, status, starts_at, join_url, created_at, updated_at, published_at)
VALUES (4, 2, 'masterclass-sauti', 'webinar', 'Sauti Masterclass',
  'Singing for beginners', 'Live online.', 100000, 'TZS', 'published',
  1800003600, 'https://meet.example/abc', 1795000000, 1795000000, 1795000400);
INSERT INTO products(id, creator_id, slug, kind, title, summary, story_md,
  price_minor, currency, status, created_at, updated_at)
VALUES (5, 1, 'secret-draft', 'download', 'Secret Draft Album', 'draft',
  'not yet', 1000, 'KES', 'draft', 1795000000, 1795000000);
INSERT INTO products(id, creator_id, slug, kind, title, summary, story_md,
  price_minor, currency, status, created_at, updated_at, published_at)
VALUES (6, 1, 'old-archived', 'download', 'Old Archived Album', 'archived',
  'gone', 1000, 'KES', 'archived', 1795000000, 1795000000, 1795000050);
INSERT INTO products(id, creator_id, slug, kind, title, summary, story_md,
  price_minor, currency, status, created_at, updated_at, published_at)
VALUES (7, 3, 'ghost-product', 'download', 'Ghost Album', 'of a disabled creator',
  'x', 1000, 'KES', 'published', 1795000000, 1795000000, 1795000500);
