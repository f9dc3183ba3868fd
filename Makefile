# Two commands on a fresh machine: `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
BS := $(VENV)/bin/brightspots
STAMP := $(VENV)/.installed
DEMO := demo/sample.bsp

# Nothing may wait on the network: models and tokenizers load from installed packages.
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export HF_DATASETS_OFFLINE := 1
export HF_HUB_DISABLE_TELEMETRY := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: install demo test lint unit bench clean

$(PY):
	$(PYTHON) -m venv $(VENV)

# torch goes in first, on its own, so that the CPU build is the one every later
# requirement sees as already satisfied.
$(STAMP): $(PY) pyproject.toml constraints.txt
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt torch==2.13.0
	$(PY) -m pip install --quiet -c constraints.txt -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

demo: install
	@mkdir -p demo
	rm -f $(DEMO) $(DEMO)-wal $(DEMO)-shm
	$(BS) init $(DEMO)
	$(BS) import $(DEMO) corpora/sample --metadata corpora/sample/metadata.csv
	$(BS) codings load $(DEMO) corpora/sample-codings/*.csv
	$(BS) status $(DEMO)
	@echo
	@echo "Machine help: codes suggested for passages nobody has coded yet, most likely first"
	@echo "(the first run embeds the corpus: a few minutes on a laptop CPU)."
	$(BS) suggest $(DEMO) --top 1 --limit 8
	@echo
	@echo "Candidate themes in what nobody has coded yet (recurring ideas, with the nearest code):"
	$(BS) themes $(DEMO) --quotes 1
	@echo
	@echo "Inter-coder agreement of the two reference coders on the 12 documents both coded:"
	$(BS) agreement $(DEMO) --coders ref-a,ref-b
	$(BS) consensus $(DEMO) --coders ref-a,ref-b --as demo
	@echo
	@echo "The synthesis: focus areas by country, PD against comparison schools:"
	$(BS) synthesize $(DEMO) --focus-areas
	@echo
	@echo "The synthesis report (everyone's codings count; --coders consensus for the adjudicated set):"
	$(BS) report $(DEMO) -o demo/report.html --agreement ref-a,ref-b
	$(BS) report $(DEMO) -o demo/report.docx --tables demo/tables.xlsx --agreement ref-a,ref-b
	@echo
	@echo "Reports: demo/report.html (open in a browser), demo/report.docx (Word or"
	@echo "LibreOffice), demo/tables.xlsx (the tables as data)."
	@echo "The demo project is $(DEMO). Open the coding workbench on it with:"
	@echo "  $(BS) code $(DEMO)"

lint: install
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/ruff format --check src tests benchmarks
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

test: install lint
	$(PY) -m pytest -n 2 -q

unit: install
	$(PY) -m pytest -q tests/unit

bench: install
	$(PY) benchmarks/bench_import.py

clean:
	rm -rf $(VENV) demo .pytest_cache .mypy_cache .ruff_cache
