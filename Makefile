# sagin: two commands do everything on a fresh Debian/Ubuntu machine with Swift 6.
#   make run    install what is missing, build in release mode, run the default scenario
#   make test   install what is missing, run the whole test suite
#   make bench  release-build benchmarks of the hot paths
#   make traces rewrite the shipped traces in Traces/ with the project's own commands

SWIFT ?= swift

# OpenBLAS 0.3.21 misdetects recent Xeons as "Prescott" (~6x slower sgemm). It reads
# OPENBLAS_CORETYPE when the library loads, so it must be in the environment before a process
# starts. The sagin executable fixes this for itself; the test runner gets it from here.
# A value you set yourself is kept.
OPENBLAS_CORETYPE ?= $(shell if grep -qw avx512f /proc/cpuinfo 2>/dev/null; then echo SkylakeX; \
                        elif grep -qw avx2 /proc/cpuinfo 2>/dev/null; then echo Haswell; fi)
ifneq ($(strip $(OPENBLAS_CORETYPE)),)
export OPENBLAS_CORETYPE
endif

.PHONY: all deps build run test bench traces doctor clean

all: build

deps:
	@./scripts/install-deps.sh

build: deps
	$(SWIFT) build -c release

# The default scenario: a Walker LEO shell, three UAVs and 40 users over Paris for one hour.
# Prints a short summary and the run folder (runs/default-<UTC>/).
TOPOLOGY ?= Topologies/default.yaml

run: build
	.build/release/sagin run $(TOPOLOGY)

# One OpenBLAS thread for the tests. Results are bit for bit the same only at a fixed OpenBLAS thread
# count (1 and 2 threads differ in the last bits), and PPO training switches the process to one
# thread while it runs: with the tests running in parallel, a same-seed test beside a PPO test
# could otherwise see its thread count change mid-run.
test: deps
	$(SWIFT) build --build-tests
	OPENBLAS_NUM_THREADS=1 $(SWIFT) test --skip-build --disable-xctest

# The shipped traces (Traces/README.md), rewritten by the project's own commands.
traces: build
	@mkdir -p runs
	.build/release/sagin run Topologies/default.yaml --duration 10min --record-trace Traces/default-10min.csv --output runs --quiet > runs/.traces-run
	.build/release/sagin trace export-mahimahi --links "$$(cat runs/.traces-run)/links.csv" --node user-0 --capacity dvbs2x \
	  --duration 20 --out Traces/default-user-0-dvbs2x.mahimahi
	@rm -f runs/.traces-run

STARLINK_TLE ?= ../shared/reference/tle/starlink-2024-05.tle

bench: build
	.build/release/sagin bench scheduler --pending 1000,100000 --events 1000000 --repeat 5
	@if [ -f "$(STARLINK_TLE)" ]; then \
	  .build/release/sagin bench sgp4 --tle "$(STARLINK_TLE)" --steps 400 --repeat 5; \
	else \
	  echo "skipped sgp4 benchmark: $(STARLINK_TLE) not found (set STARLINK_TLE=FILE)"; \
	fi
	.build/release/sagin bench scenario Topologies/starlink-shell1.yaml
	.build/release/sagin bench los
	.build/release/sagin bench learn
	.build/release/sagin bench gdm
	.build/release/sagin bench ppo
	.build/release/sagin bench trace

doctor: build
	.build/release/sagin doctor --sgemm

clean:
	rm -rf .build runs
