"""``artchart serve``: the web application under gunicorn.

The local profile serves loopback only (its TLS checks are waived for that
reason alone, see settings.py), so a bind that would reach the network is
refused. The server profile expects a TLS-terminating proxy in front and
collects the static files first, which it serves through WhiteNoise.
"""

from __future__ import annotations

import ipaddress
import os

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.core.wsgi import get_wsgi_application
from django.db import DatabaseError, connections
from gunicorn.app.base import BaseApplication

from artchart.core import selectors

LOOPBACK_ONLY = (
    "The local profile serves this computer only (127.0.0.1, ::1 or localhost), not {host}. "
    "To serve other machines use the server profile behind TLS: artchart serve --profile server --bind {bind}"
)
PROFILE_MISMATCH = (
    "Settings were loaded for the {loaded} profile. Give --profile on the artchart command line "
    "(or set ARTCHART_PROFILE) so that settings load for {asked}."
)
BAD_BIND = "--bind takes HOST:PORT (for example 127.0.0.1:8000 or [::1]:8000) or unix:/path/to/socket."


def split_bind(bind: str) -> tuple[str, int]:
    host, sep, port = bind.rpartition(":")
    if not sep or not port.isdigit() or not host:
        raise CommandError(BAD_BIND)
    return host.strip("[]"), int(port)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def first_run_link(profile: str, bind: str) -> str | None:
    """The first-run page's address while the practice needs setting up (with its key on a server), else None."""
    try:
        if not selectors.practice_needs_setup():
            return None
    except DatabaseError:
        return None  # not migrated yet: the pages will say so, and setup cannot run anyway
    # Behind a proxy on a unix socket the public address is the proxy's: give the path.
    base = "" if bind.startswith("unix:") else Command.url(bind)
    link = f"{base}/welcome/"
    if profile == "server":
        link += f"?key={selectors.first_run_key()}"
    return link


class Command(BaseCommand):
    help = "Serve ArtChart with gunicorn (local profile: loopback only; server profile: behind a TLS proxy)."

    def add_arguments(self, parser):
        parser.add_argument("--profile", choices=["local", "server"], help="defaults to ARTCHART_PROFILE (local)")
        parser.add_argument("--bind", default="127.0.0.1:8000", help="HOST:PORT or unix:PATH (default 127.0.0.1:8000)")
        parser.add_argument("--workers", type=int, help="worker processes (local 2; server 2 x CPUs + 1)")

    def handle(self, **options):
        profile = options["profile"] or settings.PROFILE
        if profile != settings.PROFILE:
            raise CommandError(PROFILE_MISMATCH.format(loaded=settings.PROFILE, asked=profile))
        bind = options["bind"]
        if not bind.startswith("unix:"):
            host, _port = split_bind(bind)
            if profile == "local" and not is_loopback(host):
                raise CommandError(LOOPBACK_ONLY.format(host=host, bind=bind))
        workers = options["workers"] or (2 if profile == "local" else 2 * (os.cpu_count() or 1) + 1)
        if workers < 1:
            raise CommandError("--workers must be at least 1.")
        if profile == "server":
            call_command("collectstatic", interactive=False, verbosity=0)
        plural = "s" if workers != 1 else ""
        self.stdout.write(
            f"ArtChart ({profile} profile) on {self.url(bind)} with {workers} worker{plural}; Ctrl-C stops it."
        )
        link = first_run_link(profile, bind)
        if link:
            self.stdout.write(f"This install is empty: set it up at {link}")
        self.stdout.flush()
        # Workers are forked from this process: none may inherit its database connection.
        connections.close_all()
        self.run_server(bind=bind, workers=workers)

    @staticmethod
    def url(bind: str) -> str:
        if bind.startswith("unix:"):
            return bind
        host, port = split_bind(bind)
        return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"

    def run_server(self, *, bind: str, workers: int) -> None:
        class ArtChartServer(BaseApplication):
            def load_config(self):
                for key, value in {
                    "bind": [bind],
                    "workers": workers,
                    "proc_name": "artchart",
                    "accesslog": "-",
                    # Path without the query string or referrer: a search for a
                    # client's name must not land in a log file.
                    "access_log_format": '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(b)s %(L)ss',
                    "control_socket_disable": True,  # no shared socket in $HOME: two instances must not collide
                    "timeout": 120,  # report rendering may take a while; a stuck worker is still recycled
                }.items():
                    self.cfg.set(key, value)

            def load(self):
                return get_wsgi_application()

        ArtChartServer().run()
