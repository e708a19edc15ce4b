"""Audit actions of sessions, groups, notes, process notes, mandated reports, incidents, rooms and calendar feeds.

Each value is the code an event stores (never changed once events carry it); each label says what
happened in the words a clinician would use.
"""

from artchart.core.audit import AuditAction


class TherapyAction(AuditAction):
    ATTENDANCE_RECORD = "attendance.record", "Recorded group attendance"
    CALENDAR_FEED_REMOVE = "calendar_feed.remove", "Turned off the calendar feed"
    CALENDAR_FEED_RESET = "calendar_feed.reset", "Made a new calendar feed address"
    CALENDAR_FEED_UPDATE = "calendar_feed.update", "Changed what the calendar feed shows"
    GROUP_CREATE = "group.create", "Started a group"
    GROUP_MEMBER_ADD = "group.member_add", "Added a client to a group"
    GROUP_MEMBER_LEAVE = "group.member_leave", "Recorded a client leaving a group"
    GROUP_MEMBERS_IMPORT = "group.members_import", "Added clients to a group from a census"
    GROUP_UPDATE = "group.update", "Changed a group"
    INCIDENT_CORRECT = "incident.correct", "Corrected an incident"
    INCIDENT_RECORD = "incident.record", "Recorded an incident"
    MANDATED_REPORT_CORRECT = "mandated_report.correct", "Corrected a mandated report"
    MANDATED_REPORT_RECORD = "mandated_report.record", "Recorded a mandated report"
    NOTE_ADDENDUM = "note.addendum", "Added an addendum to a signed note"
    NOTE_BATCH_FINISH = "note.batch_finish", "Signed or submitted a group session's notes"
    NOTE_BATCH_SAVE = "note.batch_save", "Saved a group session's note drafts"
    NOTE_COSIGN = "note.cosign", "Co-signed a note"
    NOTE_CREATE = "note.create", "Started a note"
    NOTE_DELETE = "note.delete", "Discarded a note draft"
    NOTE_INTEGRITY_MISMATCH = (
        "note.integrity_mismatch",
        "Was shown a note whose content no longer matches its signature",
    )
    NOTE_RETURN = "note.return", "Returned a note to the intern"
    NOTE_SIGN = "note.sign", "Signed a note"
    NOTE_SUBMIT = "note.submit", "Submitted a note for co-signature"
    NOTE_UPDATE = "note.update", "Changed a note draft"
    NOTE_TEMPLATE_CREATE = "note_template.create", "Added a note template"
    NOTE_TEMPLATE_UPDATE = "note_template.update", "Changed a note template"
    PROCESS_NOTE_CREATE = "process_note.create", "Wrote a process note"
    PROCESS_NOTE_DELETE = "process_note.delete", "Deleted a process note"
    PROCESS_NOTE_UPDATE = "process_note.update", "Changed a process note"
    ROOM_CREATE = "room.create", "Added a room"
    ROOM_UPDATE = "room.update", "Changed a room"
    SERIES_CHANGE_FROM = "series.change_from", "Changed a recurring series from one session on"
    SERIES_CREATE = "series.create", "Scheduled a recurring series"
    SERIES_END_FROM = "series.end_from", "Ended a recurring series"
    SERIES_EXTEND = "series.extend", "Added the next sessions of a recurring series"
    SESSION_CANCEL = "session.cancel", "Cancelled a session"
    SESSION_COMPLETE = "session.complete", "Marked a session completed"
    SESSION_CREATE = "session.create", "Scheduled a session"
    SESSION_NO_SHOW = "session.no_show", "Marked a session a no-show"
    SESSION_UPDATE = "session.update", "Changed a session"
    SERVICE_LINE_ADD = "service_line.add", "Added a service code to a session"
    SERVICE_LINE_REMOVE = "service_line.remove", "Removed a service code from a session"
    LEDGER_EXPORT = "ledger.export", "Exported the service ledger"
