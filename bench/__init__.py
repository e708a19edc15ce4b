"""Benchmarks behind ``artchart bench``. Each module's ``run()`` returns rows for the table."""
