# Every target sets up .venv itself. uv installs in seconds; pip is the fallback.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DEV_SET := '.[dev,aws,gcp]'

.PHONY: demo test bench venv clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check uv || true

# $(call install,<requirement spec>)
define install
	@if [ -x $(VENV)/bin/uv ]; then \
		$(VENV)/bin/uv pip install --quiet --python $(PY) $(1); \
	else \
		$(PY) -m pip install --quiet --disable-pip-version-check $(1); \
	fi
endef

venv: $(PY)

demo: $(PY)
	$(call install,-e .)
	$(PY) scripts/demo.py

test: $(PY)
	$(call install,-e $(DEV_SET))
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy mixpanel_connectors
	$(VENV)/bin/pytest

bench: $(PY)
	$(call install,-e '.[bench]')
	$(PY) -m benchmarks.run

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
