"""The vocabulary of the URL access test: who is checked, the rules a URL can
follow, and shorthands for writing cases. Each app's tests may add cases in a
``url_rules*.py`` module of its own (``RULES`` and ``objs``), which
``artchart/tests/test_url_access.py`` gathers."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from artchart.core.models import Role
from artchart.core.permissions import Action, Area, Relation, allows, may_break_glass, relations_of

# ``therapist2`` is designated to break the glass but has not; ``outsider`` is
# designated and has broken the glass on ``client`` (emergency access running),
# so every client page is checked against the EMERGENCY row of the table too.
PEOPLE = [
    "therapist",
    "therapist2",
    "intern",
    "supervisor",
    "teamviewer",
    "outsider",
    "admin",
    "programadmin",
    "anonymous",
]
OK = "ok"
LOGIN = "login"


@dataclass(frozen=True)
class Chart:
    """A page or operation about one client, gated by (area, action) of the access table."""

    area: Area
    action: Action

    def expect(self, person, client_id: int):
        relations = relations_of(person, client_id)
        if allows(relations, self.area, self.action):
            return OK
        if allows(relations, Area.DEMOGRAPHICS, Action.READ):
            return 403
        return 404


@dataclass(frozen=True)
class Team:
    """The care-team pages: whoever may read the team sees it; managing is narrower."""

    action: Action

    def expect(self, person, client_id: int):
        relations = relations_of(person, client_id)
        if allows(relations, Area.CARE_TEAM, self.action):
            return OK
        if allows(relations, Area.CARE_TEAM, Action.READ):
            return 403
        return 404


@dataclass(frozen=True)
class Roles:
    """An organization page for some roles only (others get 403)."""

    roles: tuple[str, ...]

    def expect(self, person, client_id: int):
        return OK if person.role in self.roles else 403


# Who sees a group through its member: whoever may open the member's chart (the care team, its
# supervisors, an emergency access running).
GROUP_MEMBER_RELATIONS = frozenset(
    {Relation.PRIMARY, Relation.CO_THERAPIST, Relation.INTERN, Relation.SUPERVISOR, Relation.VIEWER, Relation.EMERGENCY}
)


@dataclass(frozen=True)
class GroupScope:
    """A group's pages and operations, scoped like a client's: its facilitator (``therapist``), with
    ``members`` the care team of its member ``client`` and their supervisors, and admins see it, and
    ``then`` decides for them (None: allowed); everyone else gets 404, as for a missing group."""

    then: object = None
    members: bool = True

    def expect(self, person, client_id: int):
        sees = (
            person.role == Role.ADMIN
            or person.username == "therapist"
            or (self.members and bool(relations_of(person, client_id) & GROUP_MEMBER_RELATIONS))
        )
        if not sees:
            return 404
        return OK if self.then is None else self.then.expect(person, client_id)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class AdminsOnly:
    """An admin page that tells nobody else it exists: admins, and 404 for everyone else."""

    def expect(self, person, client_id: int):
        return OK if person.role == Role.ADMIN else 404


@dataclass(frozen=True)
class Owner:
    """An object owned by one person (an API token): the owner and admins; others 404."""

    def expect(self, person, client_id: int):
        return OK if person.role == Role.ADMIN or person.username == "therapist" else 404


@dataclass(frozen=True)
class Designated:
    """A page for users an admin designated to break the glass (others 403)."""

    def expect(self, person, client_id: int):
        return OK if may_break_glass(person) else 403


@dataclass(frozen=True)
class BreakGlass:
    """The "not on your care team" page: whoever can open the chart is sent to it;
    a designated user may ask for emergency access; anyone else gets 404."""

    def expect(self, person, client_id: int):
        if allows(relations_of(person, client_id), Area.DEMOGRAPHICS, Action.READ) or may_break_glass(person):
            return OK
        return 404


class SignInStep:
    """A step of signing in after the password (code, enrolment): anonymous visitors
    with no sign-in under way are sent back to the sign-in page; enrolment also
    serves signed-in users setting up an authenticator, and the code step sends
    them on to the dashboard."""

    def expect(self, person, client_id: int):
        return OK


class Anyone:
    def expect(self, person, client_id: int):
        return OK


class Nothing:
    """A route that serves nothing to anyone (Django Ninja's API root: the docs page is off)."""

    def expect(self, person, client_id: int):
        return 404


class NotConfigured(Nothing):
    """A feature the operator has not configured (single sign-on in the tests): 404 for
    everyone, signed in or not."""


class AlreadySetUp(Nothing):
    """The first-run page of an empty install: once the practice has anyone in it, 404 for everyone."""


CLINICAL_CREATORS = (Role.THERAPIST, Role.SUPERVISOR, Role.INTERN)

# The apps' own ``url_rules`` modules (each with RULES, API_OPERATIONS and objs(base)).
# The URL access test, the API token test and the clients API coverage test all
# gather them from here, so a new app adds its module once.
AREA_RULE_MODULE_NAMES = (
    "artchart.therapy.tests.url_rules_sessions",
    "artchart.therapy.tests.url_rules_groups",
    "artchart.therapy.tests.url_rules_notes",
    "artchart.therapy.tests.url_rules_confidential",
    "artchart.artworks.tests.url_rules_pages",
    "artchart.artworks.tests.url_rules_api",
    "artchart.artworks.tests.url_rules_studio",
    "artchart.artworks.tests.url_rules_manage",
    "artchart.measures.tests.url_rules_pages",
    "artchart.measures.tests.url_rules_public",
    "artchart.measures.tests.url_rules_api",
    "artchart.reports.tests.url_rules_pages",
    "artchart.supervision.tests.url_rules_hours",
    "artchart.supplies.tests.url_rules_supplies",
)


def area_rule_modules() -> list:
    return [importlib.import_module(name) for name in AREA_RULE_MODULE_NAMES]


@dataclass(frozen=True)
class Case:
    rule: object
    method: str = "get"
    kwargs: Callable[[dict], dict] = lambda objs: {}
    public: bool = False  # reachable without signing in
    data: Callable[[dict], dict] | None = None
    api: bool = False  # an API operation: bearer token, JSON body, 401 when anonymous
    multipart: bool = False


def c(objs):
    return {"client_id": objs["client"].pk}


def a(rule, method="get", kwargs=c, data=None, **extra) -> Case:
    return Case(rule, method=method, kwargs=kwargs, data=data, api=True, **extra)


DEMO_WRITE = Chart(Area.DEMOGRAPHICS, Action.WRITE)
DEMO_READ = Chart(Area.DEMOGRAPHICS, Action.READ)
NONE = lambda o: {}  # noqa: E731

LIBRARY = Roles((Role.THERAPIST, Role.SUPERVISOR, Role.PROGRAM_ADMIN, Role.ADMIN))
CLIN = {action: Chart(Area.CLINICAL, action) for action in Action}


def p(name: str, **extra):
    return lambda o: {**c(o), "plan_id": o[name].pk, **{k: f(o) for k, f in extra.items()}}


@dataclass(frozen=True)
class ProcessNoteAuthor:
    """A process note's own pages (psychotherapy notes, HIPAA 45 CFR 164.501): its author, while
    they may keep process notes on the client; when the author is an intern, their current
    supervisor reads it (and gets 403 changing it); everyone else — the primary therapist, a
    viewer, an admin, someone who broke the glass — gets 404, as if it did not exist."""

    author: str = "intern"  # the username of the note's author among the shared people
    change: bool = False

    def expect(self, person, client_id: int):
        from artchart.core.models import SupervisionLink

        relations = relations_of(person, client_id)
        if not allows(relations, Area.PROCESS_NOTES, Action.READ):
            return 404
        if person.username == self.author:
            return OK if not self.change or allows(relations, Area.PROCESS_NOTES, Action.WRITE) else 403
        supervises = SupervisionLink.objects.filter(
            supervisor=person, supervisee__username=self.author, supervisee__role=Role.INTERN, ended_on__isnull=True
        ).exists()
        if supervises:
            return 403 if self.change else OK
        return 404
