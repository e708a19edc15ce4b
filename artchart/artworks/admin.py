"""Django's admin for artworks: read-only, for the operator's superuser.

Artworks, photos, ratings, annotations and consent grants are written through
the services, which check the care team and consent and audit each change; a
signed rating never changes. So they are read-only here and show ids, kinds,
dates and states, never titles, statements, observations or the images. The
practice's assessment types are changed on their own page, whose service
checks their rating scales.
"""

from __future__ import annotations

from django.contrib import admin

from artchart.artworks.models import (
    Analysis,
    Annotation,
    Artwork,
    ArtworkGrant,
    AssessmentType,
    InquiryItem,
    Photo,
    Rating,
)
from artchart.core.admin import ListOnlyAdmin, ReadOnlyAdmin


@admin.register(AssessmentType)
class AssessmentTypeAdmin(ReadOnlyAdmin):
    list_display = ("name", "code", "organization", "feats_ratable", "is_active")
    list_filter = ("feats_ratable", "is_active")
    list_select_related = ("organization",)


@admin.register(Artwork)
class ArtworkAdmin(ListOnlyAdmin):
    list_display = ("id", "client_id", "session_id", "made_on", "media", "dimension", "disposition", "created_at")
    list_filter = ("media", "dimension", "disposition")


@admin.register(Photo)
class PhotoAdmin(ListOnlyAdmin):
    list_display = ("id", "artwork_id", "content_type", "width", "height", "size", "analysis_status", "uploaded_at")
    list_filter = ("analysis_status",)


@admin.register(Rating)
class RatingAdmin(ListOnlyAdmin):
    list_display = ("id", "artwork_id", "system", "rater", "signed_at")
    list_filter = ("system",)
    list_select_related = ("rater",)


@admin.register(ArtworkGrant)
class ArtworkGrantAdmin(ListOnlyAdmin):
    list_display = ("id", "artwork_id", "scope", "consent_id", "granted_on", "revoked_on")
    list_filter = ("scope",)


@admin.register(InquiryItem)
class InquiryItemAdmin(ListOnlyAdmin):
    list_display = ("id", "artwork_id", "position")


@admin.register(Analysis)
class AnalysisAdmin(ListOnlyAdmin):
    list_display = ("id", "photo_id", "version", "computed_at")


@admin.register(Annotation)
class AnnotationAdmin(ListOnlyAdmin):
    list_display = ("id", "photo_id", "kind", "author", "created_at")
    list_filter = ("kind",)
    list_select_related = ("author",)
