# Nyota: both programs in one image (run one per container, sharing the
# /data and /keys volumes). See README.md, "Docker".
#
#   docker build -t nyota .
#   docker run -d --name nyota-web -p 8080:8080 \
#       -v nyota-data:/data -v nyota-keys:/keys nyota
#   docker run -d --name nyota-console -p 2222:2222 \
#       -v nyota-data:/data -v nyota-keys:/keys nyota nyota-console serve

# --- build ------------------------------------------------------------------
FROM debian:bookworm-slim AS build
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
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
        libssh-4 libmicrohttpd12 libncursesw6 ncurses-term libsqlite3-0 \
        libsodium23 liboath0 libjansson4 libqrencode4 libcmark0.30.2 \
        libcurl4 ca-certificates sqlite3 \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 nyota \
 && useradd --system --uid 10001 --gid nyota --home-dir /data \
        --shell /usr/sbin/nologin nyota \
 && mkdir -p /data /keys \
 && chown nyota:nyota /data /keys \
 && chmod 0700 /keys
COPY --from=build /out/nyota-storefront /out/nyota-console /usr/local/bin/
# The demo catalog: nyota-console import /usr/share/nyota/demo/catalog.json
COPY --from=build /src/scripts/demo /usr/share/nyota/demo

ENV NYOTA_DATA_DIR=/data \
    NYOTA_KEYS_DIR=/keys \
    NYOTA_HTTP_ADDR=0.0.0.0 \
    NYOTA_SSH_ADDR=0.0.0.0 \
    LANG=C.UTF-8
VOLUME ["/data", "/keys"]
EXPOSE 8080 2222
USER nyota
WORKDIR /data
CMD ["nyota-storefront"]
