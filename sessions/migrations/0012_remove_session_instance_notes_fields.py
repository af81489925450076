from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("practice_sessions", "0011_field_notes_to_note_rows"),
    ]

    operations = [
        migrations.RemoveField(model_name="practicesession", name="notes"),
        migrations.RemoveField(model_name="activityinstance", name="notes"),
    ]
