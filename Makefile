# Executable documentation: how to install, test, lint, benchmark and run communique.
PY ?= .venv/bin/python

.venv:
	python3 -m venv .venv && .venv/bin/pip install -e '.[test,bench]'

install: .venv

run: .venv
	.venv/bin/communique run

demo: .venv
	.venv/bin/communique demo

test: .venv
	$(PY) -m pytest

ci:
	bash .ci/run

lint: .venv
	.venv/bin/ruff check . && .venv/bin/ruff format --check . && .venv/bin/mypy

bench: .venv
	$(PY) bench/extraction.py
	$(PY) bench/dedupe_quality.py
	$(PY) bench/dedupe_scale.py --sizes 10000,100000
	$(PY) bench/ingest_speed.py
	$(PY) bench/scale_out.py
	$(PY) bench/serve.py
	$(PY) bench/tags.py
	$(PY) bench/sitemap.py

.PHONY: install run demo test ci lint bench
