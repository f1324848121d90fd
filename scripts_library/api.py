"""REST API for the library: published scripts and the FAQ, listed or searched."""

from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers

from core.api import NO_NUL, Pagination
from scripts_library.models import FaqEntry, Script, SearchEntry
from scripts_library.selectors import QUERY_MAX_LENGTH, library_search
from teams.api import role_permission
from teams.models import Role

READERS = role_permission(Role.AGENT, Role.SUPERVISOR, Role.ADMIN)

SEARCH_PARAM = OpenApiParameter(
    "q",
    {"type": "string", "pattern": NO_NUL},
    description=f"Search words (stemmed, typo-tolerant, best match first); at most "
    f"{QUERY_MAX_LENGTH} characters, without NUL. Leave out to list everything.",
)


class ScriptSerializer(serializers.ModelSerializer):
    category = serializers.CharField(source="category.name", read_only=True)
    placeholders = serializers.ListField(child=serializers.CharField(), read_only=True)
    criteria = serializers.ListField(
        source="criterion_keys", child=serializers.CharField(), read_only=True
    )

    class Meta:
        model = Script
        fields = [
            "slug",
            "title",
            "category",
            "situation",
            "body",
            "placeholders",
            "guidance",
            "criteria",
            "status",
            "version",
            "updated_at",
        ]
        read_only_fields = fields


class FaqEntrySerializer(serializers.ModelSerializer):
    category = serializers.CharField(source="category.name", read_only=True)
    related_scripts = serializers.SerializerMethodField()

    class Meta:
        model = FaqEntry
        fields = ["id", "category", "question", "answer", "related_scripts", "updated_at"]
        read_only_fields = fields

    def get_related_scripts(self, entry) -> list[str]:
        # Prefetched with only the scripts the caller may see.
        return [script.slug for script in entry.related_scripts.all()]


# A search through the API answers with the best 60, paged by the API's own pagination.
SEARCH_RESULT_LIMIT = 60


def _query(request) -> str:
    query = request.query_params.get("q", "").strip()
    if "\x00" in query:
        # PostgreSQL refuses NUL in text, so it would fail the search query itself.
        raise serializers.ValidationError({"q": ["Search words cannot contain a NUL character."]})
    if len(query) > QUERY_MAX_LENGTH:
        raise serializers.ValidationError(
            {"q": [f"Search for at most {QUERY_MAX_LENGTH} characters: a few key words work best."]}
        )
    return query


def _ranked(queryset, request, kind: str):
    """The queryset in search order when there is a query, else as it is."""
    query = _query(request)
    if not query:
        return queryset
    results = library_search(
        query=query, user=request.user, kinds=[kind], per_page=SEARCH_RESULT_LIMIT
    )
    ids = [result.object_id for _, group in results.groups for result in group]
    by_id = {item.pk: item for item in queryset.filter(pk__in=ids)}
    return [by_id[pk] for pk in ids if pk in by_id]


class ScriptListView(generics.ListAPIView):
    permission_classes = [READERS]
    serializer_class = ScriptSerializer
    pagination_class = Pagination

    def get_queryset(self):
        scripts = Script.objects.visible_to(self.request.user).select_related("category")
        return _ranked(scripts, self.request, SearchEntry.Kind.SCRIPT)

    @extend_schema(
        summary="Published scripts (admins also see drafts), or those matching ?q=",
        parameters=[SEARCH_PARAM],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class FaqListView(generics.ListAPIView):
    permission_classes = [READERS]
    serializer_class = FaqEntrySerializer
    pagination_class = Pagination

    def get_queryset(self):
        entries = FaqEntry.objects.select_related("category").prefetch_related(
            Prefetch("related_scripts", Script.objects.visible_to(self.request.user).only("slug"))
        )
        return _ranked(entries, self.request, SearchEntry.Kind.FAQ)

    @extend_schema(summary="The FAQ, or the entries matching ?q=", parameters=[SEARCH_PARAM])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
