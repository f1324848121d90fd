"""REST API of calibration: open a session, score in it, read it (blind until the reveal).

Sessions exist only for their facilitator and participants: for anyone else a 404.
"""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from calibration import selectors
from calibration.agreement import as_text
from calibration.services import calibration_score_submit, calibration_session_open
from core.api import data_rules
from core.privacy import validate_no_personal_data
from rubrics.api_ratings import RatingsInputSerializer
from teams.api import role_permission
from teams.models import Role

LEADERS = role_permission(Role.SUPERVISOR, Role.ADMIN)


class SessionCreateSerializer(serializers.Serializer):
    interactions = serializers.ListField(
        child=serializers.IntegerField(), allow_empty=False, min_length=1
    )
    # Usernames. Whether each names a supervisor or admin is a rule about the current data (a
    # 422), so a blank name is refused as naming nobody, not as malformed.
    participants = serializers.ListField(
        child=serializers.CharField(allow_blank=True), allow_empty=False, min_length=1
    )
    benchmark = serializers.CharField(required=False, allow_blank=True, default="")
    deadline = serializers.DateTimeField()


class ScoreCreateSerializer(RatingsInputSerializer):
    interaction = serializers.IntegerField()
    comment = serializers.CharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        default="",
        validators=[validate_no_personal_data],
    )


def session_data(session, user) -> dict:
    """Before the reveal: the caller's own scores and who has finished; after it, everything."""
    progress = selectors.progress(session)
    data = {
        "id": session.pk,
        "facilitator": session.facilitator.get_username(),
        "benchmark": session.benchmark.get_username() if session.benchmark else None,
        "deadline": session.deadline,
        "interactions": [each.pk for each in selectors.interactions_of(session)],
        "revealed": session.is_revealed,
        "finished": [
            each["user"].get_username() for each in progress["participants"] if each["finished"]
        ],
    }
    if not session.is_revealed:
        data["own_scores"] = [
            {
                "interaction": interaction_id,
                "ratings": {r.criterion.key: r.value for r in score.ratings.all()},
            }
            for interaction_id, score in sorted(selectors.scores_by(session, user).items())
        ]
        return data
    alpha, by_criterion = selectors.agreement(session)
    data.update(
        ratings=selectors.ratings_list(session),
        alpha=as_text(alpha),
        alpha_by_criterion=dict(sorted(by_criterion.items())),
    )
    return data


class SessionListCreateView(APIView):
    permission_classes = [LEADERS]

    @extend_schema(
        summary="Open a calibration session (supervisors: interactions of teams they lead)",
        request=SessionCreateSerializer,
        responses={
            201: dict,
            422: OpenApiResponse(
                description="Well formed, but refused by a rule about the current data: the "
                "deadline is not in the future, an interaction is not of a team you lead, a "
                "participant is not a supervisor or admin (or fewer than two), the benchmark "
                "is not a participant."
            ),
        },
    )
    def post(self, request):
        serializer = SessionCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        with data_rules():
            session = calibration_session_open(
                facilitator=request.user,
                interaction_ids=data["interactions"],
                participant_usernames=data["participants"],
                deadline=data["deadline"],
                benchmark_username=data["benchmark"],
            )
        session = selectors.get_session_for_user(request.user, session.pk)
        return Response(session_data(session, request.user), status=status.HTTP_201_CREATED)


class SessionDetailView(APIView):
    permission_classes = [LEADERS]

    @extend_schema(summary="A calibration session: blind until it is revealed", responses=dict)
    def get(self, request, pk):
        session = selectors.get_session_for_user(request.user, pk)
        return Response(session_data(session, request.user))


class SessionScoreView(APIView):
    permission_classes = [LEADERS]

    @extend_schema(
        summary="A participant's blind score of one interaction of the session",
        request=ScoreCreateSerializer,
        responses={
            201: dict,
            409: OpenApiResponse(
                description="The session is closed (its scores are revealed), or you have "
                "already scored this interaction in it."
            ),
            422: OpenApiResponse(
                description="Well formed, but refused by a rule about the current data: you "
                "are not a participant, the ratings are not those of the rubric version the "
                "interaction is scored on, or a comment names no criterion of it."
            ),
        },
    )
    def post(self, request, pk):
        session = selectors.get_session_for_user(request.user, pk)
        serializer = ScoreCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        interaction = get_object_or_404(session.interactions.all(), pk=data["interaction"])
        with data_rules():
            calibration_score_submit(
                session=session,
                participant=request.user,
                interaction=interaction,
                ratings=data["ratings"],
                comments=data["comments"],
                comment=data["comment"],
            )
        session.refresh_from_db()
        return Response(session_data(session, request.user), status=status.HTTP_201_CREATED)
