"""Writes for the knowledge library: the search index kept in step with content, and confirmations."""

import re

from django.contrib.auth import get_user_model
from django.contrib.postgres.search import SearchVector
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse

from notifications.models import Kind
from notifications.services import notify
from scripts_library.models import Acknowledgement, Script, SearchEntry, SearchWord
from teams.models import Role

WORD = re.compile(r"[^\W\d_]{3,40}")
KIND_BY_MODEL = {
    "script": SearchEntry.Kind.SCRIPT,
    "faqentry": SearchEntry.Kind.FAQ,
    "phrase": SearchEntry.Kind.PHRASE,
    "commonmistake": SearchEntry.Kind.MISTAKE,
    "playbook": SearchEntry.Kind.PLAYBOOK,
}
# Titles outrank bodies: a query naming a situation should find the script about it first.
DOCUMENT = SearchVector("title", weight="A", config="english") + SearchVector(
    "body", weight="B", config="english"
)


def _joined(*texts: str) -> str:
    # Snippets run lines together; a separator keeps "qualify for · Pressure to" readable.
    return " · ".join(line.strip() for text in texts for line in text.splitlines() if line.strip())


def _search_fields(obj) -> dict:
    """What a library row contributes to search. Reads attributes only, so migrations can use it."""
    kind = KIND_BY_MODEL[obj._meta.model_name]
    if kind == SearchEntry.Kind.SCRIPT:
        return {
            "title": obj.title,
            "body": _joined(obj.situation, obj.body, obj.guidance),
            "slug": obj.slug,
            "published": obj.status == Script.Status.PUBLISHED,
        }
    if kind == SearchEntry.Kind.FAQ:
        return {"title": obj.question, "body": _joined(obj.answer), "slug": "", "published": True}
    if kind == SearchEntry.Kind.PHRASE:
        body = _joined(obj.when_to_use, obj.value)
        return {"title": obj.text, "body": body, "slug": "", "published": True}
    if kind == SearchEntry.Kind.MISTAKE:
        body = _joined(obj.why_it_hurts, obj.remedy)
        return {"title": obj.title, "body": body, "slug": "", "published": True}
    sections = [obj.summary, obj.warning_signs, obj.first_hour, obj.what_to_say, obj.metrics]
    return {
        "title": obj.title,
        "body": _joined(*sections, obj.target_outcome),
        "slug": obj.slug,
        "published": True,
    }


def search_index_rows(*, rows, entry_model=SearchEntry, word_model=SearchWord) -> None:
    """Add or refresh the search entries of library rows, and their words in the lexicon.

    The model arguments let data migrations pass their historical models.
    """
    rows = list(rows)
    if not rows:
        return
    entries = []
    words = set()
    for obj in rows:
        fields = _search_fields(obj)
        entries.append(
            entry_model(kind=KIND_BY_MODEL[obj._meta.model_name], object_id=obj.pk, **fields)
        )
        words.update(word.lower() for word in WORD.findall(f"{fields['title']}\n{fields['body']}"))
    with transaction.atomic():
        entry_model.objects.bulk_create(
            entries,
            update_conflicts=True,
            unique_fields=["kind", "object_id"],
            update_fields=["title", "body", "slug", "published"],
        )
        changed = Q()
        for entry in entries:
            changed |= Q(kind=entry.kind, object_id=entry.object_id)
        entry_model.objects.filter(changed).update(document=DOCUMENT)
        word_model.objects.bulk_create(
            [word_model(word=word, trigrams=SearchWord.trigrams_of(word)) for word in words],
            ignore_conflicts=True,
        )


def search_index_remove(*, obj) -> None:
    # Words stay in the lexicon: a stale word can only suggest a spelling that finds nothing.
    SearchEntry.objects.filter(kind=KIND_BY_MODEL[obj._meta.model_name], object_id=obj.pk).delete()


def script_acknowledge(*, script: Script, user, version: int | None) -> Acknowledgement:
    """Record that `user` has read `version` of `script`; refuses a version they did not see."""
    if not script.is_published:
        raise ValidationError("This script is not published, so there is nothing to confirm.")
    if version is None:
        raise ValidationError(
            "We could not tell which version you read. Open the script and confirm from there."
        )
    if version != script.version:
        raise ValidationError(
            "This script changed after you opened it. Read the new version, then confirm."
        )
    try:
        with transaction.atomic():
            acknowledgement, _ = Acknowledgement.objects.get_or_create(
                script=script, user=user, version=version
            )
    except IntegrityError:
        # A double-click raced us to the same confirmation; the first one stands.
        acknowledgement = Acknowledgement.objects.get(script=script, user=user, version=version)
    return acknowledgement


def script_confirmation_requested(*, script: Script) -> int:
    """Tell every active agent who has not confirmed it that a published script asks them to
    confirm they read its latest version; how many were told (none while it is a draft)."""
    if not script.is_published or script.acknowledgement_version is None:
        return 0
    agents = (
        get_user_model()
        .objects.filter(is_active=True, groups__name=Role.AGENT)
        .exclude(
            Exists(
                Acknowledgement.objects.filter(
                    user=OuterRef("pk"),
                    script=script,
                    version__gte=script.acknowledgement_version,
                )
            )
        )
        .values_list("pk", flat=True)
        .distinct()
    )
    return len(
        notify(
            agents,
            Kind.SCRIPT_TO_CONFIRM,
            f"Please read and confirm the script '{script.title}' "
            f"(version {script.acknowledgement_version}).",
            reverse("library_script", args=[script.slug]),
        )
    )
