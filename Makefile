# Every target sets up .venv itself. uv installs in seconds; pip is the fallback.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DEV_SET := '.[dev,emulator,aws,gcp]'
# Commas would split $(call ...)'s arguments, so extras with commas live in variables.
BENCH_SET := '.[bench,emulator]'

.PHONY: demo test bench bench-record venv clean generate schema

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check uv || true

# $(call install,<requirement spec>)
# Installs write bytecode (pip always does; uv when asked) and the project's own sources are
# compiled too: every provider host imports pulumi and pydantic again, and compiling them from
# source makes each start about three times as slow (1.2 s against 0.4 s for a trivial provider
# to answer its first Check, measured here).
define install
	@if [ -x $(VENV)/bin/uv ]; then \
		$(VENV)/bin/uv pip install --quiet --compile-bytecode --python $(PY) $(1); \
	else \
		$(PY) -m pip install --quiet --disable-pip-version-check $(1); \
	fi
	@$(PY) -m compileall -q -j0 mixpanel_connectors benchmarks > /dev/null
endef

venv: $(PY)

demo: $(PY)
	$(call install,-e '.[emulator]')
	$(PY) scripts/demo.py

test: $(PY)
	$(call install,-e $(DEV_SET))
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy mixpanel_connectors tests
	$(VENV)/bin/pytest

# Rewrites the parts of resource.py, _lifecycle/config.py and docs/ that _lifecycle/schema.py declares.
generate: $(PY)
	$(PY) -m mixpanel_connectors._codegen

# Prints the `mixpanel` plugin's package schema (what `pulumi package get-schema provider` shows).
schema: $(PY)
	$(call install,-e .)
	@$(PY) -m mixpanel_connectors._plugin --schema

# About 18 minutes; writes benchmarks/out/ (ignored), so a checkout stays clean.
bench: $(PY)
	$(call install,-e $(BENCH_SET))
	$(PY) -m benchmarks.run --output benchmarks/out

# The committed record: benchmarks/RESULTS.md, results.png and results.json. Run it on a quiet
# machine.
bench-record: $(PY)
	$(call install,-e $(BENCH_SET))
	$(PY) -m benchmarks.run --output benchmarks

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
