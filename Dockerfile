# Nyota: both programs in one image (run one per container, sharing the
# /data and /keys volumes). See README.md, "Docker".
#
#   docker build -t nyota .
#   docker run -d --name nyota-web -p 8080:8080 \
#       -v nyota-data:/data -v nyota-keys:/keys nyota
#   docker run -d --name nyota-console -p 2222:2222 \
#       -v nyota-data:/data -v nyota-keys:/keys nyota nyota-console serve
#
# Checked by tests/image/run.sh (`make image-test`, podman). Build with
# `podman build --format docker`: the OCI format has no HEALTHCHECK.
# The base is pinned by tag (Debian 12), the packages are not (hadolint
# DL3008) on purpose: apt installs Debian 12's current versions, security
# updates included; a pinned version fails once the mirror drops it.

# --- build ------------------------------------------------------------------
FROM debian:bookworm-slim AS build
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
        build-essential pkg-config \
        libssh-dev libmicrohttpd-dev libncurses-dev libsqlite3-dev \
        libsodium-dev liboath-dev libjansson-dev libqrencode-dev \
        libcmark-dev libcurl4-openssl-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# Only the two programs: tests run in CI (`make test`), not in the image.
RUN make -j"$(nproc)" B=/out all

# --- runtime ----------------------------------------------------------------
FROM debian:bookworm-slim
# /data and /keys start 0700 and owned by nyota: a new named volume takes
# its first owner and mode from the image. Files in them are private
# because the programs set umask 077 themselves, whatever runs them.
# --no-log-init: no sparse lastlog entry for a high uid (hadolint DL3046).
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
        libssh-4 libmicrohttpd12 libncursesw6 ncurses-term libsqlite3-0 \
        libsodium23 liboath0 libjansson4 libqrencode4 libcmark0.30.2 \
        libcurl4 ca-certificates sqlite3 \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 nyota \
 && useradd --system --uid 10001 --gid nyota --home-dir /data \
        --no-log-init --shell /usr/sbin/nologin nyota \
 && mkdir -p /data /keys \
 && chown nyota:nyota /data /keys \
 && chmod 0700 /data /keys
COPY --from=build /out/nyota-storefront /out/nyota-console /usr/local/bin/
COPY --from=build /src/scripts/healthcheck.sh /usr/local/bin/nyota-healthcheck
# The demo catalog: nyota-console import /usr/share/nyota/demo/catalog.json
COPY --from=build /src/scripts/demo /usr/share/nyota/demo

ENV NYOTA_DATA_DIR=/data \
    NYOTA_KEYS_DIR=/keys \
    NYOTA_HTTP_ADDR=0.0.0.0 \
    NYOTA_SSH_ADDR=0.0.0.0 \
    LANG=C.UTF-8
VOLUME ["/data", "/keys"]
EXPOSE 8080 2222
# The storefront's /healthz, or the console's listening socket (see the
# script). The start period covers migrations on a large database.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["nyota-healthcheck"]
USER nyota
WORKDIR /data
CMD ["nyota-storefront"]
