"""The caller's assignments (`GET /api/v1/assignments/?status=`) and a team's assignment rule
(`GET`/`PUT /api/v1/teams/{id}/assignment-rule/`)."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import Pagination, RuleRefused, StrictBooleanField, data_rules
from qa.models import PER_AGENT_MAX, PER_AGENT_MIN, Assignment, AssignmentRule, Period
from qa.selectors import assignments_for_reviewer, eligible_reviewers, get_team_for_rule
from qa.services import PER_AGENT_ERROR, assignment_rule_set
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


class AssignmentRuleSerializer(serializers.Serializer):
    per_agent = serializers.IntegerField(
        min_value=PER_AGENT_MIN,
        max_value=PER_AGENT_MAX,
        error_messages={"min_value": PER_AGENT_ERROR, "max_value": PER_AGENT_ERROR},
    )
    period = serializers.ChoiceField(choices=Period.choices)
    # Usernames; empty: every supervisor of the team. Whether each names one is a rule about
    # the current data (a 422), so a blank name is refused as naming nobody, not as malformed.
    reviewers = serializers.ListField(
        child=serializers.CharField(allow_blank=True), required=False, default=list
    )
    active = StrictBooleanField(required=False, default=True)


class AssignmentRuleStateSerializer(AssignmentRuleSerializer):
    """A team's rule as read: all null (and inactive) while the team has none."""

    per_agent = serializers.IntegerField(
        min_value=PER_AGENT_MIN, max_value=PER_AGENT_MAX, allow_null=True
    )
    period = serializers.ChoiceField(choices=Period.choices, allow_null=True)


def _rule_data(rule: AssignmentRule | None) -> dict:
    if rule is None:
        return {"per_agent": None, "period": None, "reviewers": [], "active": False}
    return {
        "per_agent": rule.per_agent,
        "period": rule.period,
        "reviewers": sorted(person.username for person in rule.reviewers.all()),
        "active": rule.active,
    }


class AssignmentRuleView(APIView):
    """A team's assignment rule: read it, or set it with PUT (supervisors of the team, admins)."""

    permission_classes = [role_permission(Role.SUPERVISOR, Role.ADMIN)]

    @extend_schema(responses=AssignmentRuleStateSerializer)
    def get(self, request, pk):
        team = get_team_for_rule(request.user, pk)
        return Response(_rule_data(AssignmentRule.objects.filter(team=team).first()))

    @extend_schema(
        request=AssignmentRuleSerializer,
        responses={
            200: AssignmentRuleSerializer,
            422: OpenApiResponse(
                description="Well formed, but a reviewer named is not a supervisor of this team."
            ),
        },
    )
    def put(self, request, pk):
        team = get_team_for_rule(request.user, pk)
        data = AssignmentRuleSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        usernames = set(values.pop("reviewers"))
        eligible = {person.username: person for person in eligible_reviewers(team)}
        unknown = sorted(usernames - set(eligible))
        if unknown:
            raise RuleRefused(
                {"reviewers": [f"Not a supervisor of this team: {', '.join(unknown)}."]}
            )
        with data_rules():
            rule = assignment_rule_set(
                team=team, reviewers=[eligible[name] for name in usernames], **values
            )
        return Response(_rule_data(rule))
