"""REST API for the checklists a person may run, with their active items."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers

from checklists.models import Checklist, ChecklistItem
from checklists.selectors import runnable_checklists
from teams.api import role_permission
from teams.models import Role

READERS = role_permission(Role.AGENT, Role.SUPERVISOR, Role.ADMIN)


class ChecklistItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = ChecklistItem
        fields = ["id", "position", "title", "question", "why_it_matters"]
        read_only_fields = fields


class ChecklistSerializer(serializers.ModelSerializer):
    items = ChecklistItemSerializer(many=True, read_only=True)

    class Meta:
        model = Checklist
        fields = ["slug", "title", "kind", "audience", "purpose", "items"]
        read_only_fields = fields


class ChecklistListView(generics.ListAPIView):
    permission_classes = [READERS]
    serializer_class = ChecklistSerializer
    pagination_class = None

    def get_queryset(self):
        return runnable_checklists(self.request.user).prefetch_related(
            Prefetch("items", queryset=ChecklistItem.objects.filter(is_active=True))
        )

    @extend_schema(summary="The checklists you may run, with their questions")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
