"""REST API for a supervisor's review of an interaction (the rules of rubrics/api.py)."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import data_rules
from core.privacy import validate_no_personal_data
from rubrics.api import EvaluationSerializer
from rubrics.api_ratings import RatingsInputSerializer
from rubrics.models import Evaluation, RootCause
from rubrics.selectors import get_interaction_for_user
from rubrics.services import review_submit
from teams.api import IsReviewer


class ReviewCreateSerializer(RatingsInputSerializer):
    comment = serializers.CharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        default="",
        validators=[validate_no_personal_data],
    )
    root_causes = serializers.SlugRelatedField(
        many=True,
        slug_field="slug",
        queryset=RootCause.objects.active(),
        required=False,
        default=list,
        help_text="Slugs of the root causes behind what went wrong (see /root-causes/).",
    )


class ReviewSerializer(EvaluationSerializer):
    root_causes = serializers.SlugRelatedField(many=True, slug_field="slug", read_only=True)

    class Meta(EvaluationSerializer.Meta):
        fields = [*EvaluationSerializer.Meta.fields, "root_causes"]
        read_only_fields = fields


class ReviewCreateView(APIView):
    permission_classes = [IsReviewer]

    @extend_schema(
        summary="A supervisor's review of an interaction of a team they review, self-scored "
        "or not (then on the current rubric version)",
        request=ReviewCreateSerializer,
        responses={
            201: ReviewSerializer,
            409: OpenApiResponse(description="The interaction has already been reviewed."),
            422: OpenApiResponse(
                description="Well formed, but refused by a rule about the current data: the "
                "ratings are not those of the rubric version the interaction is reviewed on "
                "(the self-score's, else the version in force), a rating of 1 or 2 has no "
                "comment, a criterion that does not allow N/A is null."
            ),
        },
    )
    def post(self, request, pk):
        interaction = get_interaction_for_user(request.user, pk, scope="review")
        serializer = ReviewCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with data_rules():
            review = review_submit(
                interaction=interaction,
                reviewer=request.user,
                ratings=serializer.validated_data["ratings"],
                comments=serializer.validated_data["comments"],
                comment=serializer.validated_data["comment"],
                root_causes=serializer.validated_data["root_causes"],
            )
        review = (
            Evaluation.objects.select_related("rubric", "author")
            .prefetch_related("ratings__criterion", "root_causes")
            .get(pk=review.pk)
        )
        return Response(ReviewSerializer(review).data, status=status.HTTP_201_CREATED)
