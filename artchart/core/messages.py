"""Sentences users read, each with a stable machine-readable code.

A ``UserMessage`` is a ``str``, so code that compares, formats or shows it works
as with any string; ``.code`` is what a program reads (the API's error ``code``
when a service refused with the message). ``format`` keeps the code. Codes are
lowercase words joined by underscores and unique across apps
(``artchart/core/tests/test_messages.py`` checks).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError


class UserMessage(str):
    code: str

    def __new__(cls, code: str, text: str) -> UserMessage:
        message = super().__new__(cls, text)
        message.code = code
        return message

    def __getnewargs__(self) -> tuple[str, str]:  # type: ignore[override]
        return (self.code, str(self))

    def format(self, *args: Any, **kwargs: Any) -> UserMessage:
        return UserMessage(self.code, super().format(*args, **kwargs))


def refusal_code(exc: Exception) -> str | None:
    """The code of the one message a service refused with, if it is a ``UserMessage``.

    An error naming several messages has no single code (the caller answers with
    its generic one).
    """
    if isinstance(exc, ValidationError):
        if hasattr(exc, "error_dict"):
            messages = [error.message for errors in exc.error_dict.values() for error in errors]
        else:
            messages = [error.message for error in exc.error_list]
    else:
        messages = list(exc.args[:1])
    if len(messages) == 1 and isinstance(messages[0], UserMessage):
        return messages[0].code
    return None
