"""Run every benchmark against a fresh practice and print one table.

Started by ``artchart bench`` in a child process whose environment points
ArtChart at a temporary directory (database, media, keys), so nothing here can
touch a real database.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import time

PARTS = ("pages", "audit", "verify", "imaging", "reports")


def main() -> None:
    parser = argparse.ArgumentParser(prog="artchart bench")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--writes", type=int, default=500)
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--clients", type=int, default=2_000)
    parser.add_argument("--only", default=",".join(PARTS))
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "artchart.settings")
    import django

    django.setup()
    from django.db import connection

    from bench import audit_cost, imaging, pages, practice, reports, verify_speed
    from bench.table import render

    if connection.vendor != "sqlite" or "artchart-bench-" not in str(connection.settings_dict["NAME"]):
        raise SystemExit("bench runs only on the temporary SQLite database that 'artchart bench' sets up.")
    started = time.perf_counter()
    practice.build(clients=args.clients)
    only = set(args.only.split(","))
    rows = []
    if "pages" in only:
        rows += pages.run(count=args.requests)
    if "audit" in only:
        rows += audit_cost.requests(count=args.requests) + audit_cost.writes(count=args.writes)
    if "verify" in only:
        rows += verify_speed.run(events=args.events)
    if "imaging" in only:
        rows += imaging.run()
    if "reports" in only:
        rows += reports.run()
    print(
        f"ArtChart bench: SQLite {sqlite3.sqlite_version} (WAL, synchronous=FULL) in a temporary directory, "
        f"demo practice + {args.clients:,} seeded clients; {time.perf_counter() - started:.0f} s in all."
    )
    print(render(rows))


if __name__ == "__main__":
    main()
