from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("linkage", "0002_people"),
    ]

    operations = [
        migrations.AddField(
            model_name="personmention",
            name="features",
            field=models.TextField(blank=True, default=""),
        ),
    ]
