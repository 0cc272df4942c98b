"""No half-done transition: every object is in the state its latest TransitionLog row names.

    DATABASE_URL=postgres://... .venv/bin/python bench/transitions_check.py [SINCE]

Run by bench/load.py after each run. For every model with a ``state`` field that has
TransitionLog rows, compares each object's current state with the target of its latest row
(rows whose target is not one of the model's states, e.g. a base's level change, are left
out); prints how many objects were checked, every mismatch, and how many rows were written
since SINCE (an ISO timestamp: the start of the run). Exits 1 on a mismatch. Not run by CI.
"""

import os
import sys
from collections import defaultdict

import django

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xcu_bases.settings")
django.setup()

from django.contrib.contenttypes.models import ContentType  # noqa: E402

from xcu_bases.models import TransitionLog  # noqa: E402


def state_field(model):
    return next((f for f in model._meta.fields if f.name == "state"), None) if model else None


def main(since: str | None) -> int:
    states_of = {}  # content type id: (model, the values of its state field)
    for ct in ContentType.objects.filter(pk__in=TransitionLog.objects.values("content_type")):
        field = state_field(ct.model_class())
        if field is not None:
            states_of[ct.pk] = (ct.model_class(), {value for value, _ in field.choices})
    latest = defaultdict(dict)  # content type id: {object id: target of its latest row}
    rows = TransitionLog.objects.order_by("at", "pk").values_list(
        "content_type", "object_id", "target_state"
    )
    for ct, oid, target in rows.iterator(chunk_size=5000):
        if ct in states_of and target in states_of[ct][1]:
            latest[ct][oid] = target
    bad, checked = [], 0
    for ct, objects in latest.items():
        model = states_of[ct][0]
        pks = [int(oid) for oid in objects if oid.isdigit()]
        current = {str(pk): state for pk, state in
                   model._default_manager.filter(pk__in=pks).values_list("pk", "state")}  # fmt: skip
        for oid, target in objects.items():
            checked += 1
            if oid in current and current[oid] != target:
                bad.append(
                    f"{model.__name__} {oid}: state {current[oid]!r}, latest log {target!r}"
                )
    written = TransitionLog.objects.filter(at__gte=since).count() if since else 0
    verdict = "OK" if not bad else "HALF-DONE TRANSITIONS"
    print(
        f"transition check: {checked} objects with a state-changing log, {len(bad)} not in "
        f"their latest log's state ({verdict}); {written} log rows written during the run"
    )
    for line in bad[:20]:
        print("  " + line)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else None))
