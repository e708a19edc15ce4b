"""Every page of the therapy app: sessions and the schedule, groups, notes, the confidential records."""

from django.urls import path

from artchart.therapy.views import confidential, groups, notes, sessions

NOTE = "clients/<int:client_id>/notes/<int:note_id>/"

app_name = "therapy"

urlpatterns = [
    # sessions, series, the schedule and its calendar feed, rooms
    path("clients/<int:client_id>/sessions/", sessions.session_list, name="session_list"),
    path("clients/<int:client_id>/sessions/new/", sessions.session_create, name="session_create"),
    path("groups/<int:group_id>/sessions/new/", sessions.session_create_for_group, name="session_create_for_group"),
    path("sessions/<int:session_id>/", sessions.session_detail, name="session_detail"),
    path("sessions/<int:session_id>/edit/", sessions.session_edit, name="session_edit"),
    path("sessions/<int:session_id>/complete/", sessions.session_complete, name="session_complete"),
    path("sessions/<int:session_id>/no-show/", sessions.session_no_show, name="session_no_show"),
    path("sessions/<int:session_id>/cancel/", sessions.session_cancel, name="session_cancel"),
    path("sessions/<int:session_id>/service-lines/", sessions.session_line_add, name="session_line_add"),
    path(
        "sessions/<int:session_id>/service-lines/<int:line_id>/remove/",
        sessions.session_line_remove,
        name="session_line_remove",
    ),
    path("sessions/<int:session_id>/series/change/", sessions.session_series_change, name="session_series_change"),
    path("sessions/<int:session_id>/series/end/", sessions.session_series_end, name="session_series_end"),
    path("schedule/", sessions.schedule, name="schedule"),
    path("schedule/book/", sessions.session_book, name="session_book"),
    path("schedule/ledger/", sessions.ledger, name="ledger"),
    path("schedule/feed/", sessions.schedule_feed, name="schedule_feed"),
    path("schedule/feed/reset/", sessions.schedule_feed_reset, name="schedule_feed_reset"),
    path("schedule/feed/names/", sessions.schedule_feed_names, name="schedule_feed_names"),
    path("schedule/feed/remove/", sessions.schedule_feed_remove, name="schedule_feed_remove"),
    path("calendar/<str:token>.ics", sessions.calendar_feed, name="calendar_feed"),
    path("rooms/", sessions.rooms, name="rooms"),
    path("rooms/new/", sessions.room_create, name="room_create"),
    path("rooms/<int:room_id>/edit/", sessions.room_edit, name="room_edit"),
    # groups, members, the census and attendance
    path("groups/", groups.group_list, name="group_list"),
    path("groups/new/", groups.group_create, name="group_create"),
    path("groups/<int:group_id>/", groups.group_detail, name="group_detail"),
    path("groups/<int:group_id>/edit/", groups.group_edit, name="group_edit"),
    path("groups/<int:group_id>/members/new/", groups.group_member_add, name="group_member_add"),
    path(
        "groups/<int:group_id>/members/<int:membership_id>/leave/", groups.group_member_leave, name="group_member_leave"
    ),
    path("groups/<int:group_id>/census/", groups.group_census, name="group_census"),
    path("groups/<int:group_id>/census/confirm/", groups.group_census_confirm, name="group_census_confirm"),
    path("sessions/<int:session_id>/attendance/", groups.group_attendance, name="group_attendance"),
    # notes, signing and co-signing, templates
    path("clients/<int:client_id>/notes/", notes.note_list, name="note_list"),
    path("clients/<int:client_id>/notes/new/", notes.note_create, name="note_create"),
    path(NOTE, notes.note_detail, name="note_detail"),
    path(NOTE + "edit/", notes.note_edit, name="note_edit"),
    path(NOTE + "autosave/", notes.note_autosave, name="note_autosave"),
    path(NOTE + "delete/", notes.note_delete, name="note_delete"),
    path(NOTE + "sign/", notes.note_sign, name="note_sign"),
    path(NOTE + "submit/", notes.note_submit, name="note_submit"),
    path(NOTE + "cosign/", notes.note_cosign, name="note_cosign"),
    path(NOTE + "return/", notes.note_return, name="note_return"),
    path(NOTE + "addenda/new/", notes.note_addendum, name="note_addendum"),
    path(NOTE + "text/", notes.note_text, name="note_text"),
    path("sessions/<int:session_id>/notes/", notes.note_batch, name="note_batch"),
    path("note-templates/", notes.note_template_list, name="note_template_list"),
    path("note-templates/new/", notes.note_template_edit, name="note_template_create"),
    path("note-templates/<int:template_id>/", notes.note_template_edit, name="note_template_edit"),
    # process notes, incidents and mandated reports
    path("clients/<int:client_id>/process-notes/", confidential.process_note_list, name="process_note_list"),
    path("clients/<int:client_id>/process-notes/new/", confidential.process_note_create, name="process_note_create"),
    path(
        "clients/<int:client_id>/process-notes/<int:note_id>/",
        confidential.process_note_detail,
        name="process_note_detail",
    ),
    path(
        "clients/<int:client_id>/process-notes/<int:note_id>/edit/",
        confidential.process_note_edit,
        name="process_note_edit",
    ),
    path(
        "clients/<int:client_id>/process-notes/<int:note_id>/delete/",
        confidential.process_note_delete,
        name="process_note_delete",
    ),
    path("clients/<int:client_id>/incidents/", confidential.incident_list, name="incident_list"),
    path("clients/<int:client_id>/incidents/new/", confidential.incident_create, name="incident_create"),
    path("clients/<int:client_id>/incidents/<int:incident_id>/", confidential.incident_detail, name="incident_detail"),
    path("clients/<int:client_id>/incidents/<int:incident_id>/edit/", confidential.incident_edit, name="incident_edit"),
    path(
        "clients/<int:client_id>/incidents/reports/new/",
        confidential.mandated_report_create,
        name="mandated_report_create",
    ),
    path(
        "clients/<int:client_id>/incidents/reports/<int:report_id>/",
        confidential.mandated_report_detail,
        name="mandated_report_detail",
    ),
    path(
        "clients/<int:client_id>/incidents/reports/<int:report_id>/edit/",
        confidential.mandated_report_edit,
        name="mandated_report_edit",
    ),
    path("manage/incidents/", confidential.incident_admin, name="incident_admin"),
]
