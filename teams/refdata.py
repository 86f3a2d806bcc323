"""Reference data cached per worker process: the catalogue, the owner team, closing days, routing rules and
account-manager rules. They change a few times a year (in the admin) but were read on every submission.

One place: `cached(name, load)` keeps `load()`'s result in this process, tagged with the current *generation*, a
random token in the shared cache (Redis in production). A post_save or post_delete of any model registered with
`invalidate_on_change` (teams.apps, routing.apps, intake.apps) writes a new generation, so every worker reloads
on its next request: a change in the admin is seen on the next request. The generation is written at once (the
same transaction sees its own change) and again after the commit (a worker that reloaded between the change and
the commit saw the old rows; it reloads once more). Without a reachable cache every call reloads: slower, never
stale.

Within one web request the generation is read once (the first `cached` call) and remembered until the request
ends: a public POST reads the owner team, the calendar and the catalogue, and each look-up was a round trip to
Redis. A change made by the request itself sets the remembered generation too.
"""

import logging
import threading
import uuid
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import transaction
from django.db.models.signals import post_delete, post_save

logger = logging.getLogger(__name__)

GENERATION_KEY = "teams:refdata:generation"
T = TypeVar("T")

_lock = threading.Lock()
_memo: dict[str, tuple[str, object]] = {}
_request = threading.local()  # .generation: read once per web request (None outside one)


def _start_request(**kwargs) -> None:
    _request.active, _request.generation = True, None


def _end_request(**kwargs) -> None:
    _request.active, _request.generation = False, None


request_started.connect(_start_request, dispatch_uid="teams.refdata.start")
request_finished.connect(_end_request, dispatch_uid="teams.refdata.end")


def generation() -> str:
    if remembered := getattr(_request, "generation", None):
        return remembered
    current = _read_generation()
    if getattr(_request, "active", False):
        _request.generation = current
    return current


def _read_generation() -> str:
    try:
        current = cache.get(GENERATION_KEY)
        if current is None:
            cache.add(GENERATION_KEY, uuid.uuid4().hex, None)
            current = cache.get(GENERATION_KEY)
    except Exception:  # the cache is down: never serve what may be stale
        logger.warning("Reference-data generation unavailable; reloading", exc_info=True)
        current = None
    return current or uuid.uuid4().hex


def cached(name: str, load: Callable[[], T]) -> T:
    """`load()`'s result, reloaded only after a registered model changed (in any process)."""
    current = generation()
    hit = _memo.get(name)
    if hit is not None and hit[0] == current:
        return hit[1]
    value = load()
    with _lock:
        _memo[name] = (current, value)
    return value


def _new_generation() -> None:
    new = uuid.uuid4().hex
    if getattr(_request, "active", False):
        _request.generation = new
    try:
        cache.set(GENERATION_KEY, new, None)
    except Exception:
        logger.warning("Reference-data generation not bumped", exc_info=True)
        forget_in_this_process()


def changed(**kwargs) -> None:
    """Signal receiver: a registered model was saved or deleted."""
    _new_generation()
    transaction.on_commit(_new_generation)


def forget_in_this_process() -> None:
    with _lock:
        _memo.clear()


def invalidate_on_change(*models: str) -> None:
    """Connect post_save and post_delete of these models ("app_label.Model") to a new generation."""
    for model in models:
        post_save.connect(changed, sender=model, dispatch_uid=f"refdata-save-{model}")
        post_delete.connect(changed, sender=model, dispatch_uid=f"refdata-delete-{model}")
