"""The audit page's rows in plain words: "Tess Rivera read a client record: Ruth Abernathy".

Each event becomes a sentence — who, what (the action's label, a past-tense verb
phrase), whom (a person or client named, when the object is one) and for which
clients — with the stored codes and ids kept to a quiet "record" detail for
whoever must follow an event up. Names cost two queries a page, however many
events it holds.
"""

from __future__ import annotations

from typing import NamedTuple

from django.apps import apps
from django.utils.text import capfirst

from artchart.core import audit, selectors
from artchart.core.models import AuditEvent, User
from artchart.core.permissions import clients_named_for_audit

USER_TYPE = User._meta.label_lower
CLIENT_TYPE = "clients.client"
SYSTEM = "ArtChart"  # an event with no actor and no address: the application's own work (the demo, a task)
SIGNED_OUT = "Someone not signed in"

# Events keep the object type they were recorded with (the chain covers it); these models have moved since.
MOVED_MODELS = {"core.careteammembership": "clients.careteammembership"}


class Named(NamedTuple):
    """A person or client as the page shows them: by name, or by number when the viewer may not see the name."""

    name: str
    known: bool


class AuditRow(NamedTuple):
    event: AuditEvent
    who: str
    what: str  # the action's label as the middle of a sentence: "read a client record"
    whom: Named | None  # the object, when it is a person or a client
    clients: list[Named]  # the clients the event concerns, other than ``whom``
    record: str  # the object's kind and id, for following the event up: "Goal attainment 21"

    @property
    def label(self) -> str:
        return audit.action_label(self.event.action)


def audit_rows(user, events) -> list[AuditRow]:
    """``events`` as sentences for ``user``, an admin: people and clients by name where the admin may see them."""
    events = list(events)
    client_ids = {cid for event in events for cid in event.client_id_list}
    client_ids |= {int(e.object_id) for e in events if e.object_type == CLIENT_TYPE and e.object_id.isdigit()}
    user_ids = {int(e.object_id) for e in events if e.object_type == USER_TYPE and e.object_id.isdigit()}
    clients = clients_named_for_audit(user, client_ids)
    people = selectors.users_for_admin(user).in_bulk(user_ids) if user_ids else {}
    return [_row(event, people, clients) for event in events]


def _row(event: AuditEvent, people: dict, clients: dict) -> AuditRow:
    whom = _whom(event, people, clients)
    object_client = int(event.object_id) if event.object_type == CLIENT_TYPE and event.object_id.isdigit() else None
    return AuditRow(
        event=event,
        who=_who(event),
        what=_middle_of_sentence(audit.action_label(event.action)),
        whom=whom,
        clients=[_client(cid, clients) for cid in event.client_id_list if cid != object_client],
        record="" if whom is not None or _about_the_actor(event) else _record(event),
    )


def _who(event: AuditEvent) -> str:
    if event.actor is not None:
        return event.actor.display_name
    return SIGNED_OUT if event.ip else SYSTEM


def _middle_of_sentence(label: str) -> str:
    """ "Read a client record" → "read a client record" (every label starts with a past-tense verb)."""
    return label[:1].lower() + label[1:]


def _client(client_id: int, clients: dict) -> Named:
    if client_id in clients:
        return Named(clients[client_id].display_name, True)
    return Named(f"client no. {client_id}", False)


def _whom(event: AuditEvent, people: dict, clients: dict) -> Named | None:
    if not event.object_id.isdigit():
        return None
    if event.object_type == USER_TYPE and int(event.object_id) == event.actor_id:
        return None  # "Ada signed in", not "Ada signed in: Ada"
    if event.object_type == CLIENT_TYPE:
        return _client(int(event.object_id), clients)
    if event.object_type == USER_TYPE:
        person = people.get(int(event.object_id))
        return Named(person.display_name, True) if person else Named(f"user no. {event.object_id}", False)
    return None


def _about_the_actor(event: AuditEvent) -> bool:
    return event.object_type == USER_TYPE and event.object_id == str(event.actor_id)


def _record(event: AuditEvent) -> str:
    if not event.object_type:
        return ""
    if event.object_type == "view":
        return f"Page {event.object_id}"
    try:
        kind = apps.get_model(MOVED_MODELS.get(event.object_type, event.object_type))._meta.verbose_name
    except (LookupError, ValueError):
        kind = event.object_type
    return f"{capfirst(kind)} {event.object_id}".strip()
