# Entry points; the scripts they call are the documented commands.
.PHONY: test bench bench-smoke

# Every test: vet, unit, integration and end-to-end (installs baresip when missing).
test:
	./tests/run

# The load bench of issue 4 against Kamailio and the harness itself; updates
# docs/PERFORMANCE.md (under 10 minutes on 2 cores).
bench:
	tests/load/bench.sh

# 20-second check that the bench runs end to end; writes nothing.
bench-smoke:
	tests/load/bench.sh --smoke
