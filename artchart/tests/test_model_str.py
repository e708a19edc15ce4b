"""Every model of the ArtChart apps says what a row is, in logs and the admin, with its own ``__str__``
rather than Django's "Model object (1)"."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import models


def _artchart_models() -> list[type[models.Model]]:
    return [model for model in apps.get_models() if model.__module__.startswith("artchart.")]


def test_the_apps_models_are_found():
    assert {"clients.Client", "therapy.Note", "artworks.Artwork", "measures.Administration"} <= {
        model._meta.label for model in _artchart_models()
    }


@pytest.mark.parametrize("model", _artchart_models(), ids=lambda model: model._meta.label)
def test_every_model_defines_its_own_str(model):
    assert model.__str__ is not models.Model.__str__
