"""Audit actions of the directive library and programs.

Each value is the code an event stores (never changed once events carry it); each label says what
happened in the words a clinician would use.
"""

from artchart.core.audit import AuditAction


class ProgramAction(AuditAction):
    DIRECTIVE_CREATE = "directive.create", "Added a directive to the library"
    DIRECTIVE_UPDATE = "directive.update", "Changed a directive in the library"
    PROGRAM_CREATE = "program.create", "Added a program"
    PROGRAM_UPDATE = "program.update", "Changed a program"
