"""A minimal iCalendar (RFC 5545) writer for the calendar feed: VEVENTs with times in UTC.

Short enough to write by hand: times are UTC ("Z" form, so no VTIMEZONE is
needed, §3.3.5 form #2), text is escaped (§3.3.11), lines end in CRLF and are
folded at 75 octets without splitting a UTF-8 character (§3.1).
"""

from __future__ import annotations

import datetime as dt

PRODID = "-//ArtChart//Sessions feed//EN"


def escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def fold(line: str) -> str:
    """Split a content line into lines of at most 75 octets, each continuation starting with a space."""
    data = line.encode()
    if len(data) <= 75:
        return line
    parts, start, limit = [], 0, 75
    while start < len(data):
        end = min(start + limit, len(data))
        while end < len(data) and (data[end] & 0xC0) == 0x80:  # never cut inside a UTF-8 character
            end -= 1
        parts.append(data[start:end].decode())
        start, limit = end, 74  # continuation lines carry the leading space
    return "\r\n ".join(parts)


def calendar(events: list[dict], *, name: str, now: dt.datetime | None = None) -> str:
    """``events``: dicts with uid, start, end, summary, location, status and updated."""
    stamp = utc(now or dt.datetime.now(dt.UTC))
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape(name)}",
    ]
    for event in events:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{event['uid']}",
            f"DTSTAMP:{stamp}",
            f"DTSTART:{utc(event['start'])}",
            f"DTEND:{utc(event['end'])}",
            f"SUMMARY:{escape(event['summary'])}",
        ]
        if event.get("location"):
            lines.append(f"LOCATION:{escape(event['location'])}")
        if event.get("updated"):
            lines.append(f"LAST-MODIFIED:{utc(event['updated'])}")
        lines += [f"STATUS:{event.get('status', 'CONFIRMED')}", "TRANSP:OPAQUE", "CLASS:PRIVATE", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
