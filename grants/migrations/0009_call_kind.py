from django.db import migrations, models


def emergency_to_kind(apps, schema_editor):
    apps.get_model("grants", "Competition").objects.filter(emergency=True).update(kind="emergency")


def kind_to_emergency(apps, schema_editor):
    apps.get_model("grants", "Competition").objects.filter(kind="emergency").update(emergency=True)


class Migration(migrations.Migration):
    dependencies = [("grants", "0008_programme_donor_project")]

    operations = [
        migrations.AddField(
            model_name="competition",
            name="kind",
            field=models.CharField(
                choices=[
                    ("fixed", "Fixed deadline"),
                    ("rolling", "Rolling, with cut-off dates"),
                    ("emergency", "Emergency support"),
                    ("two_stage", "Two stages: concept note, then invited full proposal"),
                ],
                default="fixed",
                help_text="Grants of emergency calls are anonymised in open data, like confidential ones.",
                max_length=12,
                verbose_name="kind of call",
            ),
        ),
        migrations.RunPython(emergency_to_kind, kind_to_emergency),
        migrations.RemoveField(model_name="competition", name="emergency"),
    ]
