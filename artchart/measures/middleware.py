"""The tablet hand-off holds the signed-in session to the questionnaire.

While ``request.session["measures_handoff"]`` is set (by measures:handoff_start), the client
holds a tablet on which the therapist is signed in. Every page but the questionnaire, the
therapist's return page, static files and signing out is sent back to the questionnaire, so
neither the back button nor a typed address reaches the record. Only the therapist's password
on measures:handoff_return (or signing out) ends it. Add after AuthenticationMiddleware.
"""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

HANDOFF = "measures_handoff"


class HandoffMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if (
            session is not None
            and HANDOFF in session
            and user is not None
            and user.is_authenticated
            and not self._allowed(request.path)
        ):
            return redirect("measures:handoff")
        return self.get_response(request)

    @staticmethod
    def _allowed(path: str) -> bool:
        if path.startswith(settings.STATIC_URL):
            return True
        return path in (
            reverse("measures:handoff"),
            reverse("measures:handoff_save"),
            reverse("measures:handoff_return"),
            reverse("logout"),
        )
