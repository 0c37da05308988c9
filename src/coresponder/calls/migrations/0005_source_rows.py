# The source row kept once per chunk of an import (SourceRows) instead of in every call's row
# (docs/adr/0004, addendum four).

import io
import json

import django.db.models.deletion
import polars as pl
from django.db import migrations, models

PAGE = 20_000


def _pack(lines, raws):
    frame = pl.DataFrame({"line": lines, "raw": raws}, schema={"line": pl.Int64, "raw": pl.String})
    buffer = io.BytesIO()
    frame.write_ipc(buffer, compression="zstd")
    return buffer.getvalue()


def keep_rows_per_batch(apps, schema_editor):
    """Each stored call's source row moves to its batch's kept rows. The file line of a row
    was never stored, so a call written before this change is found by its own id instead
    (``source_line`` = id): unique within its batch, like a line."""
    Call = apps.get_model("calls", "Call")
    SourceRows = apps.get_model("calls", "SourceRows")
    Call.objects.update(source_line=models.F("id"))
    for batch_id in Call.objects.values_list("batch_id", flat=True).distinct().order_by():
        last = 0
        while True:
            page = list(
                Call.objects.filter(batch_id=batch_id, id__gt=last)
                .order_by("id")
                .values_list("id", "raw")[:PAGE]
            )
            if not page:
                break
            lines = [pk for pk, _ in page]
            raws = [json.dumps(raw if isinstance(raw, dict) else {}) for _, raw in page]
            SourceRows.objects.create(
                batch_id=batch_id, first_line=lines[0], last_line=lines[-1],
                rows=_pack(lines, raws),
            )
            last = lines[-1]


def rows_back_into_calls(apps, schema_editor):
    Call = apps.get_model("calls", "Call")
    SourceRows = apps.get_model("calls", "SourceRows")
    for kept in SourceRows.objects.order_by("id").iterator():
        frame = pl.read_ipc(io.BytesIO(bytes(kept.rows)))
        for line, raw in frame.iter_rows():
            Call.objects.filter(batch_id=kept.batch_id, source_line=line).update(
                raw=json.loads(raw)
            )


class Migration(migrations.Migration):

    dependencies = [
        ("calls", "0004_raw_as_text"),
    ]

    operations = [
        migrations.CreateModel(
            name="SourceRows",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("first_line", models.BigIntegerField()),
                ("last_line", models.BigIntegerField()),
                ("rows", models.BinaryField()),
                (
                    "batch",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="source_rows",
                        to="calls.importbatch",
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(fields=["batch", "first_line"], name="sourcerows_batch_line_idx")
                ],
            },
        ),
        migrations.AddField(
            model_name="call",
            name="source_line",
            field=models.BigIntegerField(default=0),
        ),
        migrations.RunPython(keep_rows_per_batch, rows_back_into_calls),
        migrations.RemoveField(
            model_name="call",
            name="raw",
        ),
    ]
