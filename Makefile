# liaison: the two commands a newcomer needs.
#   make run    install dependencies, build, and start the two-node demo (Lahore and Rome)
#   make test   install dependencies, build, and run every test (also under ASan+UBSan)
# Other targets: build, web, deps, asan, bench, format, clean.

BUILD ?= build
ASAN_BUILD ?= build-asan
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: all deps build web test unit-test asan run demo bench format clean

all: build

deps:
	@scripts/install-deps.sh

$(BUILD)/build.ninja: | deps
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_FLAGS)

build: deps $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)

unit-test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) --timeout 600

asan: deps
	cmake -S . -B $(ASAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DLIAISON_SANITIZE=ON \
	  -DLIAISON_BENCH=OFF -DLIAISON_WERROR=ON $(CMAKE_FLAGS)
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --output-on-failure -j $(JOBS) --timeout 900

# The officers' web interface (web/dist), served by `liaison serve --web-root`.
web:
	@scripts/build-web.sh

test:
	@scripts/run-tests.sh

run: build web
	@scripts/demo.sh $(BUILD)/src/liaison

bench: build
	@echo "benchmark programs are in $(BUILD)/bench/; see bench/RESULTS.md for the commands"

format:
	@git ls-files '*.cc' '*.h' | xargs clang-format -i

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
