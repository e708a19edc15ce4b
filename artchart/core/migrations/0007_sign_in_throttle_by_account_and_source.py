"""The lockout counts a username per source (address or known device) and each address across usernames.

The old counters (per username only) are dropped: they were a few minutes' worth of failures.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0006_care_team_membership_moved_to_clients"),
    ]

    operations = [
        migrations.DeleteModel(name="SignInThrottle"),
        migrations.CreateModel(
            name="SignInThrottle",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "scope",
                    models.CharField(
                        choices=[
                            ("account", "One username from one source"),
                            ("address", "One address, every username"),
                        ],
                        max_length=16,
                    ),
                ),
                ("key", models.CharField(max_length=64, unique=True)),
                ("username_key", models.CharField(blank=True, db_index=True, max_length=64)),
                ("source", models.CharField(max_length=64)),
                ("failures", models.PositiveIntegerField(default=0)),
                ("last_failure_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("locked_until", models.DateTimeField(blank=True, db_index=True, null=True)),
                (
                    "user",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
        ),
    ]
