# The care team moves from core to clients, the app that owns the clients it
# names. The table keeps its name, so only Django's idea of the model moves:
# this creates it in clients' state, and core's next migration drops it from core's.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0004_amendments_and_disclosures"),
        ("core", "0004_user_npi_and_licence"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="CareTeamMembership",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "role",
                            models.CharField(
                                choices=[
                                    ("primary", "Primary therapist"),
                                    ("co_therapist", "Co-therapist"),
                                    ("intern", "Intern"),
                                    ("supervisor", "Supervising clinician"),
                                    ("viewer", "Treatment-team member"),
                                ],
                                max_length=20,
                            ),
                        ),
                        ("added_at", models.DateTimeField(default=django.utils.timezone.now)),
                        (
                            "client",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="care_team",
                                to="clients.client",
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="care_team_memberships",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "core_careteammembership",
                        "indexes": [models.Index(fields=["user", "client"], name="core_carete_user_id_07ad8d_idx")],
                        "constraints": [
                            models.UniqueConstraint(fields=("client", "user"), name="care_team_member_once")
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
