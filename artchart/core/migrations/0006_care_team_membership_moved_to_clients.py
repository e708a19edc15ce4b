# The care team now belongs to clients (see clients' migration that creates it
# there on the same table); core forgets the model without touching the table.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0005_site_on_call_clinician"),
        ("clients", "0005_care_team_membership_moved_from_core"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="CareTeamMembership")],
            database_operations=[],
        ),
    ]
