# Nyota build. `make` builds both programs; `make test` runs every test.
# Everything under shared/ becomes libnyota.a; migrations, locales,
# templates and static assets are embedded into the binaries by tools/embed.

PKGS     := libssh libmicrohttpd ncursesw sqlite3 libsodium liboath jansson \
            libqrencode libcmark libcurl
CC       ?= cc
OPT      ?= -O2
WARN     := -Wall -Wextra -Wformat=2 -Wshadow -Wmissing-prototypes \
            -Wstrict-prototypes -Wwrite-strings -Werror
CFLAGS   ?=
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(OPT) -g $(WARN) -MMD -MP -Ishared \
            $(shell pkg-config --cflags $(PKGS) 2>/dev/null) $(CFLAGS) $(SAN)
# Recursive (=), not :=, like ALL_CFLAGS: on a fresh machine pkg-config and
# the -dev packages arrive with `make deps`, after this file was read.
LDLIBS    = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lutil -lpthread -lm
B        ?= build

SHARED_SRC := $(wildcard shared/*.c)
SF_SRC     := $(wildcard storefront/*.c)
TUI_SRC    := $(wildcard tui/*.c)
TEST_SRC   := $(wildcard tests/test-*.c)
EMBEDDED   := $(sort $(wildcard migrations/*.sql) $(wildcard locales/*.json) \
              $(wildcard storefront/templates/*.html) $(wildcard storefront/static/*))

SHARED_OBJ := $(SHARED_SRC:%.c=$(B)/%.o) $(B)/gen/assets.o
SF_OBJ     := $(filter-out $(B)/storefront/main.o,$(SF_SRC:%.c=$(B)/%.o))
TUI_OBJ    := $(filter-out $(B)/tui/main.o,$(TUI_SRC:%.c=$(B)/%.o))
TESTS      := $(TEST_SRC:tests/%.c=$(B)/tests/%)

.PHONY: all deps run test unit integration check-structure asan bench fuzz gallery clean \
        image-test
all: $(B)/nyota-storefront $(B)/nyota-console

deps:
	@sh scripts/deps.sh

# The version nyota_build_info reports: the commit, "dev" outside git (the
# image's build context has no .git).
VERSION  := $(shell git describe --always --dirty 2>/dev/null || echo dev)
$(B)/shared/metrics-app.o: ALL_CFLAGS += -DNYOTA_VERSION='"$(VERSION)"'

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(ALL_CFLAGS) -c $< -o $@

$(B)/tools/embed: tools/embed.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -O2 -Wall -Wextra -Werror $< -o $@

$(B)/gen/assets.c: $(B)/tools/embed $(EMBEDDED) Makefile
	@mkdir -p $(dir $@)
	@$(B)/tools/embed $(EMBEDDED) > $@.tmp && mv $@.tmp $@

$(B)/gen/assets.o: $(B)/gen/assets.c
	@$(CC) $(ALL_CFLAGS) -Wno-missing-prototypes -c $< -o $@

$(B)/libnyota.a: $(SHARED_OBJ)
	@rm -f $@
	@ar rcs $@ $^

$(B)/libsf.a: $(SF_OBJ)
	@mkdir -p $(dir $@) && rm -f $@ && printf '!<arch>\n' > $@
	@$(if $^,ar rcs $@ $^)

$(B)/libtui.a: $(TUI_OBJ)
	@mkdir -p $(dir $@) && rm -f $@ && printf '!<arch>\n' > $@
	@$(if $^,ar rcs $@ $^)

$(B)/nyota-storefront: $(B)/storefront/main.o $(B)/libsf.a $(B)/libnyota.a
	@echo "  LD      $@"
	@$(CC) $(ALL_CFLAGS) $(filter %.o %.a,$^) $(LDLIBS) -o $@

$(B)/nyota-console: $(B)/tui/main.o $(B)/libtui.a $(B)/libnyota.a
	@echo "  LD      $@"
	@$(CC) $(ALL_CFLAGS) $(filter %.o %.a,$^) $(LDLIBS) -o $@

# Unit tests link every library; a test binary may exercise any module.
$(B)/tests/%: tests/%.c $(B)/libsf.a $(B)/libtui.a $(B)/libnyota.a
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	@$(CC) $(ALL_CFLAGS) -Itests $(shell pkg-config --cflags check) $(filter %.c %.a,$^) \
	  $(LDLIBS) $(shell pkg-config --libs check) -o $@

unit: $(TESTS)
	@sh tests/run-unit.sh $(TESTS)

integration: $(B)/nyota-storefront $(B)/nyota-console
	@B=$(B) sh tests/run-integration.sh

# The layering of docs/ARCHITECTURE.md: no SQL outside shared/, no include
# or call across the programs, no import cycle, shared/ files kept small.
check-structure: all
	@python3 scripts/check-structure.py $(B)

test: deps all check-structure unit integration

# Sanitizer reports go to stderr (a server's stderr is its log, which the
# integration helpers scan on exit); abort_on_error makes a report kill the
# process with SIGABRT, so Check's forked tests and servers fail loudly.
ASAN_ENV = ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:halt_on_error=1:detect_stack_use_after_return=1:check_initialization_order=1:strict_string_checks=1:disable_coredump=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:abort_on_error=1 \
	LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0
asan: deps
	$(ASAN_ENV) $(MAKE) B=build-asan OPT=-O1 CC=clang \
	  SAN="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" \
	  all unit integration

run: deps all
	@sh scripts/run.sh

bench: deps all
	@sh bench/run.sh

fuzz: deps
	@sh tests/fuzz/run.sh

# docs/console-gallery.md anew from the running console (a test keeps it
# current: tests/integration/console-gallery.sh).
gallery: deps all
	@GALLERY_WRITE=1 NYOTA_BIN=$(CURDIR)/$(B) NYOTA_SRC=$(CURDIR) \
	    bash tests/integration/console-gallery.sh

# The Dockerfile built and run with podman (tests/image/run.sh): minutes,
# and root for the base image, so not part of `make test`.
image-test:
	@bash tests/image/run.sh

clean:
	rm -rf build build-asan

-include $(shell find $(B) -name '*.d' 2>/dev/null)
