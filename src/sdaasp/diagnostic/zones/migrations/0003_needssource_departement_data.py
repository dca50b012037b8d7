"""Needs sources belong to a département (data, step 2 of 3).

Before this migration a source was one file, whatever the départements of its areas (an
import without ``--departement`` kept the whole national file, and re-importing the file for
another département replaced the first one). The rule applied to existing rows:

- each value goes to the département of its commune (exact INSEE rule: ``59350`` → ``59``,
  ``2A004`` → ``2A``, ``97105`` → ``971``), each QPV to the département field of its code
  (``QN05901M`` → ``59``, ``QP02A001`` → ``2A``), or of its communes when the code has none;
- a source whose values span several départements is split: the existing row keeps the first
  département in code order, a copy (same file, label, vintage, SHA-256, indicators) is made
  for each other one and that département's values are moved to it (not copied), with
  ``rows`` recounted;
- values of a département whose territory is not saved in the database, and QPV whose
  département cannot be told, are removed (no computation could use them: zones and
  diagnostics run on a saved territory); a source left with no value is removed. Re-import
  the file for that département once its territory is built.

The reverse merges the copies of one file back into its oldest row.
"""

from collections import defaultdict

from django.db import migrations

CHUNK = 500


# Frozen copies of sdaasp.offer.importers.departement_of_commune and
# sdaasp.needs.qpv.qpv_departement as of this migration: a migration must keep meaning the
# same thing if that code moves or changes later.
def _commune_dep(code: str) -> str:
    return code[:3] if code.startswith("97") else code[:2]


_METRO = {f"{n:02d}" for n in range(1, 96) if n != 20} | {"2A", "2B"}
_OVERSEAS = {str(n) for n in (*range(971, 979), *range(984, 990))}


def _qpv_dep(code: str, communes: str) -> str | None:
    field = code.strip().upper()[2:5]
    if field[:1] == "0" and field[1:] in _METRO:
        return field[1:]
    if field in _OVERSEAS:
        return field
    deps = {_commune_dep(c.strip()) for c in communes.split(",") if c.strip()}
    return deps.pop() if len(deps) == 1 else None


def _groups(source, value_model, qpv_model) -> tuple[object, dict[str | None, list[int]]]:
    """The model of the source's rows and their ids by département (None: undecidable)."""
    groups: dict[str | None, list[int]] = defaultdict(list)
    if source.kind == "qpv":
        for pk, code, communes in qpv_model.objects.filter(source=source).values_list(
                "pk", "code", "communes"):
            groups[_qpv_dep(code, communes)].append(pk)
        return qpv_model, groups
    for pk, commune in value_model.objects.filter(source=source).values_list(
            "pk", "commune_code"):
        groups[_commune_dep(commune)].append(pk)
    return value_model, groups


def _in_chunks(model, pks: list[int], **update) -> None:
    for i in range(0, len(pks), CHUNK):
        qs = model.objects.filter(pk__in=pks[i:i + CHUNK])
        if update:
            qs.update(**update)
        else:
            qs.delete()


def assign(apps, schema_editor) -> None:
    NeedsSource = apps.get_model("zones", "NeedsSource")
    NeedsValue = apps.get_model("zones", "NeedsValue")
    Qpv = apps.get_model("zones", "Qpv")
    saved = set(apps.get_model("territory", "Departement").objects.values_list("code",
                                                                               flat=True))
    copied = ("kind", "level", "file_name", "label", "vintage", "sha256", "indicators",
              "definitions", "notes")
    for source in NeedsSource.objects.filter(departement__isnull=True).order_by("pk"):
        model, groups = _groups(source, NeedsValue, Qpv)
        for dep in [d for d in groups if d not in saved]:
            _in_chunks(model, groups.pop(dep))
        if not groups:
            source.delete()
            continue
        first, *others = sorted(groups)
        # update() rather than save(): keep the import date (auto_now) as it was
        NeedsSource.objects.filter(pk=source.pk).update(departement_id=first,
                                                        rows=len(groups[first]))
        for dep in others:
            copy = NeedsSource.objects.create(departement_id=dep, rows=len(groups[dep]),
                                              **{f: getattr(source, f) for f in copied})
            NeedsSource.objects.filter(pk=copy.pk).update(imported_at=source.imported_at)
            _in_chunks(model, groups[dep], source_id=copy.pk)


def merge_back(apps, schema_editor) -> None:
    NeedsSource = apps.get_model("zones", "NeedsSource")
    NeedsValue = apps.get_model("zones", "NeedsValue")
    Qpv = apps.get_model("zones", "Qpv")
    by_file: dict[tuple, list] = defaultdict(list)
    for s in NeedsSource.objects.order_by("pk"):
        by_file[(s.kind, s.level, s.file_name)].append(s)
    for first, *others in by_file.values():
        if not others:
            continue
        ids = [s.pk for s in others]
        NeedsValue.objects.filter(source_id__in=ids).update(source_id=first.pk)
        Qpv.objects.filter(source_id__in=ids).update(source_id=first.pk)
        NeedsSource.objects.filter(pk=first.pk).update(
            rows=first.rows + sum(s.rows for s in others))
        NeedsSource.objects.filter(pk__in=ids).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("zones", "0002_needssource_departement"),
    ]

    operations = [
        migrations.RunPython(assign, merge_back),
    ]
