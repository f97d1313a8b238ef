# A thin wrapper around Meson: the README's commands.
#   make demo    set up, build, and run the main job (the seed data in a demo register, served on the web)
#   make check   set up, build, and run every test (a -Werror build and an ASan+UBSan build),
#                and each fuzz harness for a few seconds
#   make fuzz    build the fuzz harnesses with clang (build-fuzz) and run each for
#                FUZZ_SECONDS (default 60), printing its executions (tests/fuzz/README.md)
BUILD ?= build
ASAN ?= build-asan
FUZZ ?= build-fuzz
FUZZ_SECONDS ?= 60

.PHONY: all setup build demo check test clean bench fuzz

all: build

setup:
	@./scripts/setup-debian.sh $(SETUP_FLAGS)

$(BUILD)/build.ninja:
	meson setup $(BUILD) -Dwerror=true

$(ASAN)/build.ninja:
	meson setup $(ASAN) -Dwerror=true -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug

# libFuzzer is clang's: every library instrumented for coverage, ASan + UBSan.
$(FUZZ)/build.ninja:
	CC=clang meson setup $(FUZZ) -Dfuzz=true -Db_sanitize=address,undefined -Db_lundef=false \
		-Dc_args=-fsanitize=fuzzer-no-link

build: setup $(BUILD)/build.ninja
	ninja -C $(BUILD)

demo: build
	@./scripts/demo.sh $(BUILD)/bidrag

check: SETUP_FLAGS = --tests
check: setup $(BUILD)/build.ninja $(ASAN)/build.ninja $(FUZZ)/build.ninja
	ninja -C $(BUILD)
	ninja -C $(ASAN)
	ninja -C $(FUZZ) fuzzers bidrag
	@FUZZ_BUILD=$(FUZZ) ./scripts/check.sh $(BUILD) $(ASAN)

test: check

bench: build
	bench/run

fuzz: SETUP_FLAGS = --tests
fuzz: setup $(FUZZ)/build.ninja
	ninja -C $(FUZZ) fuzzers bidrag
	tests/fuzz/run $(FUZZ) $(FUZZ_SECONDS)

clean:
	rm -rf $(BUILD) $(ASAN) $(FUZZ) build-release
