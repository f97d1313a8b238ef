# A thin wrapper around Meson: the README's commands.
#   make demo    set up, build, and run the main job (the seed data in a demo register, served on the web)
#   make check   set up, build, and run every test (a -Werror build and an ASan+UBSan build)
BUILD ?= build
ASAN ?= build-asan

.PHONY: all setup build demo check test clean bench

all: build

setup:
	@./scripts/setup-debian.sh $(SETUP_FLAGS)

$(BUILD)/build.ninja:
	meson setup $(BUILD) -Dwerror=true

$(ASAN)/build.ninja:
	meson setup $(ASAN) -Dwerror=true -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug

build: setup $(BUILD)/build.ninja
	ninja -C $(BUILD)

demo: build
	@./scripts/demo.sh $(BUILD)/bidrag

check: SETUP_FLAGS = --tests
check: setup $(BUILD)/build.ninja $(ASAN)/build.ninja
	ninja -C $(BUILD)
	ninja -C $(ASAN)
	@./scripts/check.sh $(BUILD) $(ASAN)

test: check

bench: build
	bench/run

clean:
	rm -rf $(BUILD) $(ASAN) build-release
