# Front door: make run | make test | make bench | make build | make asan
# Every target first installs missing Debian packages (scripts/setup.sh, as root).
SHELL := /bin/bash
BUILD ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=
CORDON := $(BUILD)/release/cordon
SHARED ?= ../shared

.PHONY: all setup setup-test build run test test-release test-asan asan bench bench-serve soak fuzz clean format

all: build

setup:
	@sh scripts/setup.sh

$(BUILD)/release/build.ninja: | setup
	cmake -S . -B $(BUILD)/release -G Ninja -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS)

build: setup $(BUILD)/release/build.ninja
	cmake --build $(BUILD)/release -j $(JOBS)

# The main job on the bundled example: a determination with citations.
run: build
	$(CORDON) check examples/shipment.json --context examples/context.json

# The browser test of the web page (web_e2e) needs Debian's chromium: the @browser group. The
# Python binding (python/, ctests python_binding, dask_simulation, python_install): the @python group.
setup-test:
	@sh scripts/setup.sh browser python

test-release: setup-test build
	cd $(BUILD)/release && ctest --output-on-failure -j $(JOBS)

$(BUILD)/asan/build.ninja: | setup
	cmake -S . -B $(BUILD)/asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCORDON_SANITIZE=ON \
	  -DCORDON_BUILD_BENCHMARKS=OFF $(CMAKE_FLAGS)

# The same tests under AddressSanitizer + UndefinedBehaviorSanitizer.
test-asan: setup setup-test $(BUILD)/asan/build.ninja
	cmake --build $(BUILD)/asan -j $(JOBS)
	cd $(BUILD)/asan && ctest --output-on-failure -j $(JOBS)

asan: test-asan

test: test-release

bench: build
	$(BUILD)/release/bench/cordon_bench --benchmark_counters_tabular=true

# The service under wrk on loopback (docs/performance.md § Service): DURATION seconds per endpoint.
DURATION ?= 60
bench-serve: build
	bash bench/serve.sh $(BUILD)/release $(DURATION)

# The service under a mixed wrk load for SOAK_SECONDS, memory and descriptors sampled (docs/reliability.md § Soak).
SOAK_SECONDS ?= 600
soak: build
	bash bench/soak.sh $(BUILD)/release $(SOAK_SECONDS)

# Fuzzing (docs/reliability.md): every libFuzzer target for SECONDS each, under ASan+UBSan (clang).
SECONDS ?= 60
FUZZ_TARGETS ?=
FUZZ_PARALLEL ?= 1
fuzz:
	@sh scripts/setup.sh fuzz
	CC=clang CXX=clang++ cmake -S . -B $(BUILD)/fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCORDON_FUZZ=ON $(CMAKE_FLAGS)
	cmake --build $(BUILD)/fuzz -j $(JOBS)
	FUZZ_PARALLEL=$(FUZZ_PARALLEL) bash fuzz/run.sh $(BUILD)/fuzz $(SECONDS) $(FUZZ_TARGETS)

clean:
	rm -rf $(BUILD)
