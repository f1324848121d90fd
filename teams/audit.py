"""The audit log: every change to people's records, the toolkit's content, roles and teams.

Model signals catch saves and deletes (`pre_save` reads the row as it was), `m2m_changed` catches
role and team-leadership changes. Writes that send no signals (`bulk_create`, `bulk_update`,
`QuerySet.update`) call `log_created` / `log_updated` in the service that makes them.

A save of an audited model stores its texts with "\n" line breaks only, so a form that sends
"\r\n" changes nothing by that alone; values are compared the same way.

Entries are written on the connection that made the change, inside its transaction: a change
that rolls back leaves no entry, and an entry that cannot be written undoes the change.

Who made the change is read from the current request when the change happens, not when the
request arrives: the API authenticates its token user inside the view, after the middleware.
"""

import contextvars
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time

from django.apps import apps
from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.utils import timezone

from core.addresses import client_ip
from core.bulk import copy_rows
from core.text import normalise_newlines

# Models whose changes are logged, with the fields left out (secrets, and derived values that
# would only add noise): each app registers its own in its AppConfig.ready(). Every other
# concrete field is logged.
AUDITED_MODELS: dict[str, tuple[str, ...]] = {}
# For accounts only what makes a role or an identity: never the password hash, nor the
# last-login time that every sign-in rewrites.
USER_FIELDS = (
    "username",
    "first_name",
    "last_name",
    "email",
    "is_staff",
    "is_superuser",
    "is_active",
)
# Rows logged without a person, a request or a time of day (see `register`'s `anonymous_if`).
_ANONYMOUS_IF: dict[str, object] = {}


# --- Who is acting --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Context:
    request: object = None
    source: str = ""
    actor: object = None


_context: contextvars.ContextVar[_Context | None] = contextvars.ContextVar(
    "ethicskit_audit", default=None
)


class AuditContextMiddleware:
    """Makes the current request known to the audit signals for as long as it is handled."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _context.set(_Context(request=request))
        try:
            return self.get_response(request)
        finally:
            _context.reset(token)


@contextmanager
def audit_context(*, source: str, actor=None):
    """Name what is making changes outside a request, e.g. a management command."""
    token = _context.set(_Context(source=source[:300], actor=actor))
    try:
        yield
    finally:
        _context.reset(token)


def _who() -> dict:
    context = _context.get()
    if context is None:
        return {}
    if context.request is None:
        actor = context.actor
        return {
            "actor": actor,
            "actor_name": actor.get_username() if actor else "",
            "source": context.source,
        }
    request = context.request
    user = getattr(request, "user", None)
    actor = user if user is not None and user.is_authenticated else None
    return {
        "actor": actor,
        "actor_name": actor.get_username() if actor else "",
        "source": f"{request.method} {request.path}"[:300],
        "ip_address": client_ip(request),
    }


# --- What changed ---------------------------------------------------------------------------

_fields_cache: dict = {}


def _audited_fields(model) -> list:
    fields = _fields_cache.get(model)
    if fields is None:
        label = model._meta.label
        if label == "auth.User":
            fields = [model._meta.get_field(name) for name in USER_FIELDS]
        else:
            left_out = set(AUDITED_MODELS[label])
            fields = [
                field
                for field in model._meta.concrete_fields
                if not field.primary_key
                and field.name not in left_out
                # auto_now stamps change on every save; the entry has its own time.
                and not getattr(field, "auto_now", False)
            ]
        _fields_cache[model] = fields
    return fields


def _plain(value):
    """A value as JSON can hold it: dates, decimals and UUIDs become strings."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, date | time):  # datetimes too, to the microsecond
        return value.isoformat()
    return str(value)


def _same(old, new) -> bool:
    """Equal values, texts compared with one kind of line break: rows saved before line breaks
    were normalised may still hold "\r\n"."""
    if isinstance(old, str) and isinstance(new, str):
        return normalise_newlines(old) == normalise_newlines(new)
    return old == new


def snapshot(instance, names=None) -> dict:
    """The audited fields' values (foreign keys as ids), optionally only those named."""
    return {
        field.name: field.value_from_object(instance)
        for field in _audited_fields(type(instance))
        if names is None or field.name in names
    }


def _describe(instance) -> str:
    try:
        return str(instance)[:200]
    except Exception:  # noqa: BLE001 - a broken __str__ must not block the change itself
        return f"{instance._meta.label} {instance.pk}"[:200]


def _is_anonymous(instance) -> bool:
    rule = _ANONYMOUS_IF.get(instance._meta.label)
    return rule is not None and bool(rule(instance))


def _entry(action: str, instance, changes: dict, who: dict) -> dict:
    """An entry's values by field name, for `_write`."""
    from teams.models import AuditEntry

    entry = {
        "action": action,
        "model": instance._meta.label,
        "object_id": str(instance.pk)[:64],
        "object_repr": _describe(instance),
        "changes": changes,
    }
    if _is_anonymous(instance):
        # Like the record itself: no person, no request and only the day it happened.
        entry["at"] = datetime.combine(
            timezone.localdate(), time.min, tzinfo=timezone.get_current_timezone()
        )
        return entry
    entry.update(who)
    if action == AuditEntry.Action.DELETE and instance == entry.get("actor"):
        entry["actor"] = None  # the account is going; its username stays in actor_name
    return entry


# From this many entries on, they are written with COPY (core.bulk): a bulk import's thousands
# of entries cost a fraction; a few go as one INSERT, as any other write.
COPY_FROM = 100


def _write(entries: list[dict], using=None) -> None:
    from teams.models import AuditEntry

    if len(entries) >= COPY_FROM:
        copy_rows(AuditEntry, entries, using)
    elif entries:
        AuditEntry.objects.using(using).bulk_create([AuditEntry(**entry) for entry in entries])


def _created_changes(instance) -> dict:
    return {
        name: [None, _plain(value)]
        for name, value in snapshot(instance).items()
        if value not in (None, "")
    }


def log_created(instances, using=None) -> None:
    """Log rows saved with `bulk_create`, which sends no signals."""
    from teams.models import AuditEntry

    who = _who()
    _write(
        [_entry(AuditEntry.Action.CREATE, obj, _created_changes(obj), who) for obj in instances],
        using,
    )


def log_updated(instances, before: dict, using=None) -> None:
    """Log rows changed with `bulk_update` or `QuerySet.update`; `before` maps each pk to the
    `snapshot` taken before the change (of the fields that may have changed)."""
    from teams.models import AuditEntry

    who = _who()
    entries = []
    for obj in instances:
        old = before[obj.pk]
        new = snapshot(obj, old.keys())
        changes = {
            name: [_plain(old[name]), _plain(new[name])]
            for name in old
            if not _same(old[name], new[name])
        }
        if changes:
            entries.append(_entry(AuditEntry.Action.UPDATE, obj, changes, who))
    _write(entries, using)


def log_deleted(instances, using=None) -> None:
    """Log rows removed with a bulk delete, which sends no signals."""
    from teams.models import AuditEntry

    who = _who()
    _write([_entry(AuditEntry.Action.DELETE, obj, _deleted_changes(obj), who) for obj in instances])


def log_password_changed(user) -> None:
    """A new password for `user`, by whoever is acting: that it changed, never what it is."""
    from teams.models import AuditEntry

    _write([_entry(AuditEntry.Action.UPDATE, user, {"password": ["…", "changed"]}, _who())])


REDACTED = "[purged]"


def log_changes(instances, changes: dict, batch_size: int = 1000) -> None:
    """Log rows changed by a bulk write whose before and after are known to the caller
    (`changes` maps each pk to {field: [before, after]})."""
    from teams.models import AuditEntry

    who = _who()
    batch = []
    for obj in instances.iterator(chunk_size=batch_size):
        batch.append(_entry(AuditEntry.Action.UPDATE, obj, changes[obj.pk], who))
        if len(batch) >= batch_size:
            _write(batch)
            batch = []
    _write(batch)


def redact(model, pks, *, fields: list[str], related: list[str]) -> int:
    """Blank out `fields` in the earlier entries about these rows, and describe the rows as
    they are now, for text that had to go (see `ethicskit.retention.interactions_purge`)."""
    from teams.models import AuditEntry

    ids = [str(pk) for pk in pks]
    described = {
        str(obj.pk): _describe(obj)
        for obj in model._base_manager.filter(pk__in=pks).select_related(*related).iterator()
    }
    redone = []
    for entry in AuditEntry.objects.filter(model=model._meta.label, object_id__in=ids).iterator():
        for name in fields:
            if name in entry.changes:
                entry.changes[name] = [
                    value if value in (None, "") else REDACTED for value in entry.changes[name]
                ]
        entry.object_repr = described.get(entry.object_id, entry.object_repr)
        redone.append(entry)
    AuditEntry.objects.bulk_update(redone, ["changes", "object_repr"], batch_size=1000)
    return len(redone)


# --- Signal receivers -----------------------------------------------------------------------

_NOTHING_TO_COMPARE = object()
_text_fields_cache: dict = {}


def _normalise_text(sender, instance, update_fields) -> None:
    """Every line break in the text fields being saved becomes "\n", whatever sent it."""
    fields = _text_fields_cache.get(sender)
    if fields is None:
        fields = [
            field
            for field in sender._meta.concrete_fields
            if isinstance(field, models.CharField | models.TextField) and not field.primary_key
        ]
        _text_fields_cache[sender] = fields
    for field in fields:
        if update_fields is not None and field.name not in update_fields:
            continue
        value = getattr(instance, field.attname, None)
        if isinstance(value, str) and "\r" in value:
            setattr(instance, field.attname, normalise_newlines(value))


def _before_save(sender, instance, raw=False, using=None, update_fields=None, **kwargs):
    if raw:
        return
    _normalise_text(sender, instance, update_fields)
    instance._audit_before = None
    if instance._state.adding or instance.pk is None:
        return
    fields = _audited_fields(sender)
    if update_fields is not None:
        fields = [f for f in fields if f.name in update_fields or f.attname in update_fields]
    if not fields:
        instance._audit_before = _NOTHING_TO_COMPARE
        return
    row = (
        sender._base_manager.using(using)
        .filter(pk=instance.pk)
        .values(*[field.attname for field in fields])
        .first()
    )
    if row is not None:
        instance._audit_before = {field.name: row[field.attname] for field in fields}


def _after_save(sender, instance, created, raw=False, using=None, **kwargs):
    from teams.models import AuditEntry

    if raw:
        return
    before = instance.__dict__.pop("_audit_before", None)
    if before is _NOTHING_TO_COMPARE:
        return
    if created or before is None:
        entry = _entry(AuditEntry.Action.CREATE, instance, _created_changes(instance), _who())
    else:
        after = snapshot(instance, before.keys())
        changes = {
            name: [_plain(before[name]), _plain(after[name])]
            for name in before
            if not _same(before[name], after[name])
        }
        if not changes:
            return
        entry = _entry(AuditEntry.Action.UPDATE, instance, changes, _who())
    _write([entry], using)


def _deleted_changes(instance) -> dict:
    return {
        name: [_plain(value), None]
        for name, value in snapshot(instance).items()
        if value not in (None, "")
    }


def _after_delete(sender, instance, using=None, **kwargs):
    from teams.models import AuditEntry

    _write([_entry(AuditEntry.Action.DELETE, instance, _deleted_changes(instance), _who())], using)


_relations: dict = {}


def _linked(through, source: str, target: str, owner_ids, using) -> dict[int, set]:
    linked = {owner_id: set() for owner_id in owner_ids}
    rows = through._base_manager.using(using).filter(**{f"{source}_id__in": owner_ids})
    for owner_id, target_id in rows.values_list(f"{source}_id", f"{target}_id"):
        linked[owner_id].add(target_id)
    return linked


def _relation_changed(sender, instance, action, reverse, pk_set, using=None, **kwargs):
    """One entry per owner whose links changed, e.g. a user's groups before and after."""
    from teams.models import AuditEntry

    if action not in {
        "pre_add",
        "post_add",
        "pre_remove",
        "post_remove",
        "pre_clear",
        "post_clear",
    }:
        return
    owner_model, field = _relations[sender]
    source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
    phase, kind = action.split("_")
    pending = instance.__dict__.setdefault("_audit_links", {})
    if phase == "pre":
        if not reverse:
            owner_ids = [instance.pk]
        elif pk_set is not None:
            owner_ids = list(pk_set)
        else:
            owner_ids = list(
                sender._base_manager.using(using)
                .filter(**{f"{target}_id": instance.pk})
                .values_list(f"{source}_id", flat=True)
            )
        pending[(sender, kind)] = (owner_ids, _linked(sender, source, target, owner_ids, using))
        return
    owner_ids, before = pending.pop((sender, kind), ([], {}))
    if not owner_ids:
        return
    after = _linked(sender, source, target, owner_ids, using)
    changed = [owner_id for owner_id in owner_ids if before[owner_id] != after[owner_id]]
    if not changed:
        return
    owners = (
        {instance.pk: instance}
        if not reverse
        else owner_model._base_manager.using(using).in_bulk(changed)
    )
    target_ids = set().union(*(before[pk] | after[pk] for pk in changed))
    names = {
        pk: _describe(obj)
        for pk, obj in field.related_model._base_manager.using(using).in_bulk(target_ids).items()
    }
    who = _who()
    _write(
        [
            _entry(
                AuditEntry.Action.UPDATE,
                owners[pk],
                {
                    field.name: [
                        sorted(names.get(t, str(t)) for t in before[pk]),
                        sorted(names.get(t, str(t)) for t in after[pk]),
                    ]
                },
                who,
            )
            for pk in changed
            if pk in owners
        ],
        using,
    )


def register(label: str, *, left_out=(), relations=(), anonymous_if=None) -> None:
    """Log every change to the model `label` ("app.Model"), but for the fields `left_out`, and
    to its many-to-many fields named in `relations`. With `anonymous_if`, a row for which it
    returns true is logged like an anonymous report: no person, no request, only the day.
    Apps call this from their AppConfig.ready()."""
    model = apps.get_model(label)
    if label != "auth.User":
        AUDITED_MODELS[label] = tuple(left_out)
    if anonymous_if is not None:
        _ANONYMOUS_IF[label] = anonymous_if
    uid = f"audit-{label}"
    pre_save.connect(_before_save, sender=model, dispatch_uid=f"{uid}-pre")
    post_save.connect(_after_save, sender=model, dispatch_uid=f"{uid}-post")
    post_delete.connect(_after_delete, sender=model, dispatch_uid=f"{uid}-delete")
    for field_name in relations:
        field = model._meta.get_field(field_name)
        _relations[field.remote_field.through] = (model, field)
        m2m_changed.connect(
            _relation_changed,
            sender=field.remote_field.through,
            dispatch_uid=f"audit-{label}-{field_name}",
        )


def audited_labels() -> list[str]:
    """Every model whose changes are logged, accounts included."""
    return [*AUDITED_MODELS, "auth.User"]
