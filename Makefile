# Front door: make run | make test | make bench | make build | make asan
# Every target first installs missing Debian packages (scripts/setup.sh, as root).
SHELL := /bin/bash
BUILD ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=
CORDON := $(BUILD)/release/cordon
SHARED ?= ../shared

.PHONY: all setup build run test test-release test-asan asan bench fuzz clean format python

all: build

# Package groups of deps/debian-packages.txt to install besides the default ones.
SETUP_GROUPS ?=
setup:
	@sh scripts/setup.sh $(SETUP_GROUPS)

$(BUILD)/release/build.ninja: | setup
	cmake -S . -B $(BUILD)/release -G Ninja -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS)

build: setup $(BUILD)/release/build.ninja
	cmake --build $(BUILD)/release -j $(JOBS)

# The main job on the bundled example: a determination with citations.
run: build
	$(CORDON) check examples/shipment.json --context examples/context.json

# The tests include the Python binding's (python/): the @python packages come first.
test-release python: SETUP_GROUPS += python
test-release: build
	cd $(BUILD)/release && ctest --output-on-failure -j $(JOBS)

$(BUILD)/asan/build.ninja: | setup
	cmake -S . -B $(BUILD)/asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCORDON_SANITIZE=ON \
	  -DCORDON_BUILD_BENCHMARKS=OFF $(CMAKE_FLAGS)

# The same tests under AddressSanitizer + UndefinedBehaviorSanitizer.
test-asan: setup $(BUILD)/asan/build.ninja
	cmake --build $(BUILD)/asan -j $(JOBS)
	cd $(BUILD)/asan && ctest --output-on-failure -j $(JOBS)

asan: test-asan

test: test-release

bench: build
	$(BUILD)/release/bench/cordon_bench --benchmark_counters_tabular=true

# Fuzzing (docs/reliability.md): every libFuzzer target for SECONDS each, under ASan+UBSan (clang).
SECONDS ?= 60
FUZZ_TARGETS ?=
fuzz:
	@sh scripts/setup.sh fuzz
	CC=clang CXX=clang++ cmake -S . -B $(BUILD)/fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCORDON_FUZZ=ON $(CMAKE_FLAGS)
	cmake --build $(BUILD)/fuzz -j $(JOBS)
	bash fuzz/run.sh $(BUILD)/fuzz $(SECONDS) $(FUZZ_TARGETS)

# The Python module in $(BUILD)/release/python (PYTHONPATH=$(BUILD)/release/python; docs/python.md).
python: build

clean:
	rm -rf $(BUILD)
