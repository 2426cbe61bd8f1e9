"""Benchmarks: `make bench` seeds a large campaign and prints each page's time against its
SQL floor."""
