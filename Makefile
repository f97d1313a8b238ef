# A thin wrapper around Meson: the README's commands.
#   make demo    set up, build, and run the main job (the seed data in a demo register, served on the web)
#   make check   set up, build, and run every test (a -Werror build and an ASan+UBSan build),
#                and each fuzz harness for a few seconds
#   make fuzz    build the fuzz harnesses with clang (build-fuzz) and run each for
#                FUZZ_SECONDS (default 60), printing its executions (tests/fuzz/README.md)
#   make coverage  build with gcov (build-coverage), run the unit and command-line tests, and
#                print line and branch coverage per file; HTML in build-coverage/coverage/ (tests/coverage.md)
BUILD ?= build
ASAN ?= build-asan
FUZZ ?= build-fuzz
FUZZ_SECONDS ?= 60
COVERAGE ?= build-coverage

.PHONY: all setup build demo check test clean bench fuzz coverage

all: build

setup:
	@./scripts/setup-debian.sh $(SETUP_FLAGS)

$(BUILD)/build.ninja:
	meson setup $(BUILD) -Dwerror=true

$(ASAN)/build.ninja:
	meson setup $(ASAN) -Dwerror=true -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug

# libFuzzer is clang's: every library instrumented for coverage, ASan + UBSan.
# Without -Werror (stated, not left to a default): a warning clang gives in a
# library it instruments, and gcc does not, must not stop the fuzzing; the
# -Werror builds above are the ones that catch warnings (the harnesses
# themselves keep -Werror, tests/fuzz/meson.build).
$(FUZZ)/build.ninja:
	CC=clang meson setup $(FUZZ) -Dwerror=false -Dfuzz=true -Db_sanitize=address,undefined -Db_lundef=false \
		-Dc_args=-fsanitize=fuzzer-no-link

# gcov's counters: -O0 so that every branch in the source is one in the code;
# updated atomically, as bidrag serve counts from several threads at once (a
# lost update gave gcov a negative count, which stopped gcovr).
$(COVERAGE)/build.ninja:
	meson setup $(COVERAGE) -Dwerror=true -Db_coverage=true -Dbuildtype=debug -Dc_args=-fprofile-update=atomic

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

# The counters start from zero; the tests' status is kept and returned after
# the report, so that a failing test still shows what ran.
# gcovr searches only $(COVERAGE) for counters: by default it searches the
# whole checkout and adds in those of any other coverage build there.
coverage: SETUP_FLAGS = --tests
coverage: setup $(COVERAGE)/build.ninja
	ninja -C $(COVERAGE)
	find $(COVERAGE) -name '*.gcda' -delete
	rc=0; tests/run $(COVERAGE) || rc=$$?; \
	mkdir -p $(COVERAGE)/coverage && \
	gcovr -r . --object-directory $(COVERAGE) $(COVERAGE) --filter src/ --exclude-unreachable-branches \
		--json $(COVERAGE)/coverage/coverage.json && \
	gcovr -a $(COVERAGE)/coverage/coverage.json -r . && \
	gcovr -a $(COVERAGE)/coverage/coverage.json -r . --branches && \
	gcovr -a $(COVERAGE)/coverage/coverage.json -r . --html-details $(COVERAGE)/coverage/index.html && \
	echo "coverage: $(COVERAGE)/coverage/index.html" && exit $$rc

clean:
	rm -rf $(BUILD) $(ASAN) $(FUZZ) $(COVERAGE) build-release
