"""The medium each assessment's protocol prescribes, so a piece in another medium can be flagged
beside the computer's FEATS estimates; the shipped assessments get theirs."""

from django.db import migrations, models

# As the shipped assessments' protocols prescribe them (artchart/artworks/shipped.py), written out
# here so this migration stays what it was when later versions change that list.
STANDARD_MEDIA = {
    "ppat": "marker",
    "dds": "chalk_pastel",
    "htp": "pencil",
    "kfd": "pencil",
    "mari": "chalk_pastel",
    "sdt": "pencil",
}


def shipped_standard_media(apps, schema_editor):
    AssessmentType = apps.get_model("artworks", "AssessmentType")
    for code, standard in STANDARD_MEDIA.items():
        AssessmentType.objects.filter(organization=None, code=code, standard_media="").update(standard_media=standard)


class Migration(migrations.Migration):
    dependencies = [("artworks", "0001_artworks")]

    operations = [
        migrations.AddField(
            model_name="assessmenttype",
            name="standard_media",
            field=models.CharField(
                blank=True,
                choices=[
                    ("pencil", "Pencil or graphite"),
                    ("marker", "Markers"),
                    ("crayon", "Crayons or oil pastels"),
                    ("chalk_pastel", "Chalk pastels"),
                    ("watercolour", "Watercolour"),
                    ("paint", "Acrylic, tempera or gouache"),
                    ("ink", "Ink"),
                    ("collage", "Collage"),
                    ("clay", "Clay or modelling material"),
                    ("fibre", "Fibre or textile"),
                    ("found", "Found objects or assemblage"),
                    ("digital", "Digital"),
                    ("mixed", "Mixed media"),
                    ("other", "Other"),
                ],
                max_length=16,
                verbose_name="standard medium",
            ),
        ),
        migrations.RunPython(shipped_standard_media, migrations.RunPython.noop),
    ]
