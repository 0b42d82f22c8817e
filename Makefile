.PHONY: run test setup setup-test bench

run:  ## set up, then start the web app on http://127.0.0.1:7860
	bash scripts/setup.sh
	.venv/bin/python app.py

test:  ## set up (with test tools), then run the whole test suite
	bash scripts/setup.sh --test
	.venv/bin/python -m pytest

setup:
	bash scripts/setup.sh

setup-test:
	bash scripts/setup.sh --test

bench:  ## run the benchmarks (results with the machine noted under bench/results/)
	bash scripts/setup.sh
	.venv/bin/python bench/bench_lint.py
	.venv/bin/python bench/retrieval.py all
	.venv/bin/python bench/bench_drafting.py
	.venv/bin/python bench/bench_ui.py
