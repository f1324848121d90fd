"""The caller's assignments: `GET /api/v1/assignments/?status=open|done|skipped`."""

from rest_framework import generics, serializers

from core.api import Pagination
from qa.models import Assignment
from qa.selectors import assignments_for_reviewer
from teams.api import role_permission
from teams.models import Role


class AssignmentSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(source="interaction.reference")
    agent = serializers.CharField(source="agent.username")
    team = serializers.CharField(source="team.name")

    class Meta:
        model = Assignment
        fields = [
            "id",
            "interaction",
            "reference",
            "agent",
            "team",
            "period",
            "period_start",
            "due_on",
            "status",
            "skip_reason",
            "source",
            "done_at",
        ]


class AssignmentFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Assignment.Status.choices, required=False)


class AssignmentListView(generics.ListAPIView):
    """Assignments given to the caller, soonest due first; `status` filters them."""

    permission_classes = [role_permission(Role.SUPERVISOR)]
    pagination_class = Pagination
    serializer_class = AssignmentSerializer

    def get_queryset(self):
        filters = AssignmentFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return assignments_for_reviewer(
            self.request.user, status=filters.validated_data.get("status")
        ).order_by("due_on", "id")
