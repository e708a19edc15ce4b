"""Every page of the artworks app: artworks and ratings, photos, the studio (annotations, comparison,
retrospective, trends), assessment types."""

from django.urls import path

from artchart.artworks.views import artworks, manage, photos, session_photos, studio

app_name = "artworks"

urlpatterns = [
    # a client's artworks, ratings and consent grants; rater agreement
    path("clients/<int:client_id>/artworks/", artworks.timeline, name="timeline"),
    path("clients/<int:client_id>/artworks/new/", artworks.create, name="create"),
    path("clients/<int:client_id>/artworks/<int:artwork_id>/", artworks.detail, name="detail"),
    path("clients/<int:client_id>/artworks/<int:artwork_id>/edit/", artworks.edit, name="edit"),
    path("clients/<int:client_id>/artworks/<int:artwork_id>/rate/", artworks.rate, name="rate"),
    path("clients/<int:client_id>/artworks/<int:artwork_id>/grants/", artworks.grant_add, name="grant_add"),
    path(
        "clients/<int:client_id>/artworks/<int:artwork_id>/grants/<int:grant_id>/revoke/",
        artworks.grant_revoke,
        name="grant_revoke",
    ),
    path("artworks/agreement/", artworks.agreement, name="agreement"),
    # photos and their images
    path("artworks/images/<int:photo_id>/<str:variant>/", photos.image, name="image"),
    path("clients/<int:client_id>/artworks/<int:artwork_id>/photos/", photos.photos_add, name="photos_add"),
    path(
        "clients/<int:client_id>/artworks/<int:artwork_id>/photos/<int:photo_id>/primary/",
        photos.photo_primary,
        name="photo_primary",
    ),
    path(
        "clients/<int:client_id>/artworks/<int:artwork_id>/photos/<int:photo_id>/status/",
        photos.photo_status,
        name="photo_status",
    ),
    path(
        "clients/<int:client_id>/artworks/<int:artwork_id>/photos/<int:photo_id>/corners/",
        photos.photo_corners,
        name="photo_corners",
    ),
    path(
        "clients/<int:client_id>/artworks/<int:artwork_id>/photos/<int:photo_id>/corners/reset/",
        photos.photo_corners_reset,
        name="photo_corners_reset",
    ),
    path("sessions/<int:session_id>/artworks/", session_photos.session_upload, name="session_upload"),
    path("sessions/<int:session_id>/artworks/photo/", session_photos.session_photo, name="session_photo"),
    # the studio: comparison, retrospective, trends, annotations
    path("clients/<int:client_id>/artworks/compare/", studio.compare, name="compare"),
    path("clients/<int:client_id>/artworks/retrospective/", studio.retrospective, name="retrospective"),
    path("clients/<int:client_id>/artworks/trends/", studio.trends, name="trends"),
    path(
        "clients/<int:client_id>/artworks/<int:artwork_id>/photos/<int:photo_id>/annotate/",
        studio.annotate,
        name="annotate",
    ),
    path(
        "clients/<int:client_id>/artworks/<int:artwork_id>/annotations/<int:annotation_id>/delete/",
        studio.annotation_delete,
        name="annotation_delete",
    ),
    # the practice's assessment types
    path("manage/assessment-types/", manage.assessment_type_list, name="assessment_type_list"),
    path("manage/assessment-types/new/", manage.assessment_type_edit, name="assessment_type_create"),
    path("manage/assessment-types/<int:assessment_id>/", manage.assessment_type_edit, name="assessment_type_edit"),
]
