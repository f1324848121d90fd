"""REST API for scoring: the rubric, interactions with their evaluations, reviews, team summaries.

Every endpoint applies the same rules as the web pages: `Interaction.objects.visible_to`,
`led_by` and `teams_led_by` decide what exists for the caller (anything else is a 404),
and role permissions decide what they may do (403). The self-score stays hidden from leaders
until the interaction is reviewed, as on the interaction page.
"""

import uuid

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_field,
)
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import Pagination, StrictBooleanField, data_rules
from core.dates import date_window
from rubrics import api_filters
from rubrics.api_dates import DATE_PARAMS, InteractionFilterSerializer, date_filters
from rubrics.api_ratings import RatingsInputSerializer
from rubrics.models import (
    Channel,
    Criterion,
    Evaluation,
    Interaction,
    Rating,
    Rubric,
    validate_occurred_at,
)
from rubrics.recording import interaction_record
from rubrics.selectors import get_interaction_for_user
from rubrics.services import interaction_self_score
from teams.access import has_role, is_reviewer
from teams.api import IsReviewer, role_permission
from teams.models import Role

ANY_ROLE = role_permission(Role.AGENT, Role.SUPERVISOR, Role.ADMIN)
AGENTS = role_permission(Role.AGENT)
LEADERS = role_permission(Role.SUPERVISOR, Role.ADMIN)

# Rubric --------------------------------------------------------------------------------------


class CriterionSerializer(serializers.ModelSerializer):
    levels = serializers.SerializerMethodField()

    class Meta:
        model = Criterion
        fields = ["key", "name", "description", "weight", "critical", "allows_na", "levels"]

    @extend_schema_field(
        {"type": "object", "additionalProperties": {"type": "string"}, "example": {"1": "..."}}
    )
    def get_levels(self, criterion) -> dict[str, str]:
        return {str(level): text for level, text in criterion.levels.items()}


class RubricSerializer(serializers.ModelSerializer):
    criteria = CriterionSerializer(many=True, read_only=True)

    class Meta:
        model = Rubric
        fields = ["version", "criteria"]


class RubricView(APIView):
    permission_classes = [ANY_ROLE]

    @extend_schema(responses=RubricSerializer, summary="The rubric version in force")
    def get(self, request):
        rubric = Rubric.objects.prefetch_related("criteria").order_by("-version").first()
        if rubric is None:
            raise NotFound("No rubric has been set up yet.")
        return Response(RubricSerializer(rubric).data)


# Evaluations and interactions ----------------------------------------------------------------


class EvaluationSerializer(serializers.ModelSerializer):
    rubric_version = serializers.IntegerField(source="rubric.version", read_only=True)
    author = serializers.CharField(source="author.get_username", read_only=True)
    ratings = serializers.SerializerMethodField()
    comments = serializers.SerializerMethodField()

    class Meta:
        model = Evaluation
        fields = [
            "id",
            "kind",
            "rubric_version",
            "score",
            "percent",
            "critical_fail",
            "flagged",
            "revision",
            "author",
            "created_at",
            "ratings",
            "comments",
            "comment",
            "acknowledged_at",
        ]
        read_only_fields = fields

    @extend_schema_field(
        {"type": "object", "additionalProperties": {"type": "integer", "nullable": True}}
    )
    def get_ratings(self, evaluation) -> dict:
        return {rating.criterion.key: rating.value for rating in evaluation.ratings.all()}

    @extend_schema_field({"type": "object", "additionalProperties": {"type": "string"}})
    def get_comments(self, evaluation) -> dict:
        return {
            rating.criterion.key: rating.comment
            for rating in evaluation.ratings.all()
            if rating.comment
        }


class TeamRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class InteractionSerializer(serializers.ModelSerializer):
    agent = serializers.CharField(source="agent.get_username", read_only=True)
    recorded_by = serializers.CharField(
        source="recorded_by.get_username",
        read_only=True,
        allow_null=True,
        help_text="The supervisor who recorded it for review; null when the agent recorded it.",
    )
    team = TeamRefSerializer(read_only=True)
    ticket_url = serializers.CharField(
        read_only=True,
        help_text="The helpdesk ticket's address, for an interaction from a helpdesk "
        "connection; empty otherwise.",
    )
    self_evaluation = serializers.SerializerMethodField()
    review = serializers.SerializerMethodField()

    class Meta:
        model = Interaction
        fields = [
            "id",
            "reference",
            "occurred_at",
            "channel",
            "topic",
            "summary",
            "review_requested",
            "agent",
            "recorded_by",
            "team",
            "ticket_url",
            "self_evaluation",
            "review",
        ]
        read_only_fields = fields

    def _current(self, interaction, kind):
        return next((e for e in interaction.current_evaluations if e.kind == kind), None)

    @extend_schema_field(EvaluationSerializer(allow_null=True))
    def get_self_evaluation(self, interaction):
        evaluation = self._current(interaction, Evaluation.Kind.SELF)
        if evaluation is None or interaction.self_score_hidden:  # blind review
            return None
        return EvaluationSerializer(evaluation).data

    @extend_schema_field(EvaluationSerializer(allow_null=True))
    def get_review(self, interaction):
        evaluation = self._current(interaction, Evaluation.Kind.REVIEW)
        return EvaluationSerializer(evaluation).data if evaluation else None


def interactions_for_api(user):
    current = Evaluation.objects.filter(is_current=True).select_related("rubric", "author")
    return (
        Interaction.objects.visible_to(user)
        .with_self_score_hidden(user)
        .select_related("agent", "team", "recorded_by")
        .prefetch_related(
            Prefetch("evaluations", queryset=current, to_attr="current_evaluations"),
            Prefetch(
                "current_evaluations__ratings",
                queryset=Rating.objects.select_related("criterion"),
            ),
        )
        .order_by("-occurred_at", "-id")
    )


class InteractionCreateSerializer(serializers.ModelSerializer):
    channel = serializers.ChoiceField(choices=Channel.choices)
    review_requested = StrictBooleanField(required=False, default=False)
    self_evaluation = RatingsInputSerializer()

    class Meta:
        model = Interaction
        fields = [
            "occurred_at",
            "channel",
            "reference",
            "topic",
            "summary",
            "review_requested",
            "self_evaluation",
        ]


class InteractionRecordSerializer(serializers.ModelSerializer):
    """A supervisor records an interaction of one of their agents, to review it next."""

    agent = serializers.CharField(
        max_length=150, help_text="The agent's username: an agent of a team you review."
    )
    channel = serializers.ChoiceField(choices=Channel.choices)

    class Meta:
        model = Interaction
        fields = ["agent", "occurred_at", "channel", "reference", "topic", "summary"]


AGENT_FIELD_REFUSED = (
    'Agents record only their own interactions: leave out "agent" and send your "self_evaluation".'
)
AGENT_FIELD_MISSING = (
    "Name the agent (their username) whose interaction you record; to review it, then POST "
    "to /api/v1/interactions/{id}/reviews/."
)
NO_SELF_EVALUATION = (
    "A supervisor records an interaction without a self-evaluation: only the agent scores "
    "themselves. Review it with POST /api/v1/interactions/{id}/reviews/."
)


class AgentOrReviewer(IsReviewer):
    """Agents record their own interactions, reviewers those of their agents."""

    message = (
        "Only agents and supervisors record interactions: agents their own, supervisors "
        "their agents'."
    )

    def has_permission(self, request, view):
        return AGENTS().has_permission(request, view) or super().has_permission(request, view)


class InteractionListCreateView(generics.ListCreateAPIView):
    pagination_class = Pagination

    def get_permissions(self):
        return [AgentOrReviewer()] if self.request.method == "POST" else [ANY_ROLE()]

    def get_serializer_class(self):
        return (
            InteractionCreateSerializer if self.request.method == "POST" else InteractionSerializer
        )

    def get_queryset(self):
        queryset = interactions_for_api(self.request.user)
        params = self.request.query_params
        names = ("agent", "team", "reference", "connection")
        ids = InteractionFilterSerializer(data={key: params[key] for key in names if key in params})
        if not ids.is_valid():
            raise serializers.ValidationError(ids.errors)
        if "agent" in ids.validated_data:
            queryset = queryset.filter(agent_id=ids.validated_data["agent"])
        if "team" in ids.validated_data:
            queryset = queryset.filter(team_id=ids.validated_data["team"])
        queryset = api_filters.apply(queryset, ids.validated_data)
        dates = date_filters(self.request)
        if dates:
            start, end = date_window(dates.get("date_from"), dates.get("date_to"))
            if dates.get("date_from"):
                queryset = queryset.filter(occurred_at__gte=start)
            if dates.get("date_to"):
                queryset = queryset.filter(occurred_at__lt=end)
        return queryset

    @extend_schema(
        summary="Interactions you may see, newest first, with their current evaluations",
        parameters=[
            OpenApiParameter(
                "agent",
                {"type": "integer", "minimum": 1, "maximum": 2**63 - 1},
                description="An agent's user id.",
            ),
            OpenApiParameter(
                "team",
                {"type": "integer", "minimum": 1, "maximum": 2**63 - 1},
                description="A team id.",
            ),
            *api_filters.PARAMETERS,
            *DATE_PARAMS,
        ],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Record an interaction: an agent's with their self-evaluation, atomically; or, "
        "by a supervisor naming the `agent`, one to review (no self-evaluation)",
        description="A supervisor sends `agent` (a username of an agent in a team they review) "
        "and the interaction's fields, without `self_evaluation`, then reviews it with "
        "`POST interactions/{id}/reviews/`. An agent never sends `agent`.",
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                OpenApiTypes.UUID,
                OpenApiParameter.HEADER,
                description="Send the same UUID again to retry safely: one interaction is stored.",
            )
        ],
        request=PolymorphicProxySerializer(
            component_name="InteractionCreateOrRecord",
            serializers=[InteractionCreateSerializer, InteractionRecordSerializer],
            resource_type_field_name=None,
        ),
        responses={
            201: InteractionSerializer,
            422: OpenApiResponse(
                description="Well formed, but refused by a rule about the current data: "
                "`occurred_at` is not within the last year (or is in the future), `agent` is "
                "not an agent of a team you review, the ticket is already scored, a rating of 1 "
                "or 2 has no comment, a criterion that does not allow N/A is null."
            ),
        },
    )
    def post(self, request, *args, **kwargs):
        token = _idempotency_key(request)
        names_agent = isinstance(request.data, dict) and "agent" in request.data
        if names_agent and not is_reviewer(request.user):
            raise PermissionDenied({"agent": [AGENT_FIELD_REFUSED]})
        if names_agent or not has_role(request.user, Role.AGENT):
            return self._record(request, token)
        serializer = InteractionCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        evaluation_input = data.pop("self_evaluation")
        with data_rules():
            _check_occurred_at(data["occurred_at"])
            evaluation = interaction_self_score(
                agent=request.user,
                rubric=Rubric.objects.current(),
                interaction_fields=data,
                ratings=evaluation_input["ratings"],
                comments=evaluation_input["comments"],
                submission_token=token,
            )
        return self._created(request, evaluation.interaction_id)

    def _record(self, request, token):
        """A supervisor's interaction of one of their agents, with no evaluation."""
        # The role decides which of the two documented shapes one may send: the other is a 403.
        if not isinstance(request.data, dict):
            raise serializers.ValidationError({"non_field_errors": ["Send a JSON object."]})
        if "agent" not in request.data:
            raise PermissionDenied({"agent": [AGENT_FIELD_MISSING]})
        if "self_evaluation" in request.data:
            raise PermissionDenied({"self_evaluation": [NO_SELF_EVALUATION]})
        serializer = InteractionRecordSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        with data_rules():
            _check_occurred_at(data["occurred_at"])
            interaction = interaction_record(
                recorder=request.user,
                agent_username=data.pop("agent"),
                interaction_fields=data,
                submission_token=token,
            )
        return self._created(request, interaction.pk)

    def _created(self, request, pk):
        interaction = interactions_for_api(request.user).get(pk=pk)
        body = InteractionSerializer(interaction, context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED)


def _check_occurred_at(value) -> None:
    """Within the last year and not in the future: relative to now, so no schema can say it."""
    try:
        validate_occurred_at(value)
    except DjangoValidationError as error:
        raise DjangoValidationError({"occurred_at": error.messages}) from None


def _idempotency_key(request) -> uuid.UUID | None:
    if "Idempotency-Key" not in request.headers:
        return None
    try:
        return uuid.UUID(request.headers["Idempotency-Key"])
    except ValueError:
        raise serializers.ValidationError(
            {"Idempotency-Key": ["Send a UUID, or leave the header out."]}
        ) from None


class InteractionDetailView(generics.RetrieveAPIView):
    permission_classes = [ANY_ROLE]
    serializer_class = InteractionSerializer

    def get_object(self):
        return get_interaction_for_user(
            self.request.user, self.kwargs["pk"], queryset=interactions_for_api(self.request.user)
        )

    @extend_schema(summary="One interaction with its current evaluations")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
