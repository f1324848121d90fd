"""REST API for training: published dilemmas (never which response is best), answering one,
and the caller's modules."""

from django.db.models import Prefetch
from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import Pagination, data_rules
from teams.api import role_permission
from teams.models import Role
from training.models import Dilemma, Option
from training.selectors import dilemma_links, module_statuses, practice_streak
from training.services import attempt_record

READERS = role_permission(Role.AGENT, Role.SUPERVISOR, Role.ADMIN)
AGENTS = role_permission(Role.AGENT)


class OptionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Option
        fields = ["id", "text"]
        read_only_fields = fields


class DilemmaSerializer(serializers.ModelSerializer):
    options = OptionSerializer(many=True, read_only=True)

    class Meta:
        model = Dilemma
        fields = ["id", "title", "situation", "what_you_know", "channel", "options"]
        read_only_fields = fields


class DilemmaListView(generics.ListAPIView):
    permission_classes = [READERS]
    serializer_class = DilemmaSerializer
    pagination_class = Pagination

    def get_queryset(self):
        return (
            Dilemma.objects.published()
            .order_by("title", "id")
            .prefetch_related(Prefetch("options", Option.objects.order_by("position", "id")))
        )

    @extend_schema(summary="Published dilemmas with their responses (never which is best)")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class AnswerSerializer(serializers.Serializer):
    option = serializers.IntegerField()


def _links(dilemma, user) -> list[dict]:
    links = dilemma_links(dilemma, user)
    return (
        [
            {"kind": "script", "title": s.title, "url": f"/library/scripts/{s.slug}/"}
            for s in links["scripts"]
        ]
        + [
            {"kind": "faq", "title": f.question, "url": f"/library/faq/#faq-{f.pk}"}
            for f in links["faq_entries"]
        ]
        + [
            {"kind": "phrase", "title": p.text, "url": f"/library/language/#phrase-{p.pk}"}
            for p in links["phrases"]
        ]
        + [
            {"kind": "mistake", "title": m.title, "url": f"/library/mistakes/#mistake-{m.pk}"}
            for m in links["mistakes"]
        ]
        + [
            {
                "kind": "checklist_item",
                "title": str(i),
                "url": f"/checklists/#checklist-{i.checklist.slug}",
            }
            for i in links["checklist_items"]
        ]
        + [
            {"kind": "decision_step", "title": str(s), "url": f"/decisions/new/#step-{s.position}"}
            for s in links["decision_steps"]
        ]
    )


class AnswerCreateView(APIView):
    permission_classes = [AGENTS]

    @extend_schema(
        summary="Answer a dilemma: the verdict of the chosen response, why, and what helps",
        request=AnswerSerializer,
        responses={
            201: inline_serializer(
                "AnswerResult",
                {
                    "verdict": serializers.ChoiceField(["best", "acceptable", "harmful"]),
                    "feedback": serializers.CharField(),
                    "links": serializers.ListField(child=serializers.DictField()),
                },
            ),
            422: OpenApiResponse(
                description="Well formed, but `option` is not one of this dilemma's responses."
            ),
        },
    )
    def post(self, request, pk):
        dilemma = Dilemma.objects.published().filter(pk=pk).first()
        if dilemma is None:
            raise Http404
        data = AnswerSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with data_rules():
            attempt = attempt_record(
                user=request.user, dilemma=dilemma, option_id=data.validated_data["option"]
            )
        return Response(
            {
                "verdict": attempt.verdict,
                "feedback": attempt.option.feedback,
                "links": _links(dilemma, request.user),
            },
            status=status.HTTP_201_CREATED,
        )


class ProgressView(APIView):
    permission_classes = [READERS]

    @extend_schema(
        summary="Your modules, due dates and passes, and your practice streak in weeks",
        responses={
            200: inline_serializer(
                "TrainingProgress",
                {"modules": serializers.ListField(), "streak_weeks": serializers.IntegerField()},
            )
        },
    )
    def get(self, request):
        return Response(
            {
                "streak_weeks": practice_streak(request.user),
                "modules": [
                    {
                        "module": status_.module.slug,
                        "title": status_.module.title,
                        "pass_mark": status_.module.pass_mark,
                        "due_on": status_.due_on,
                        "passed_on": status_.certificate.passed_on if status_.certificate else None,
                        "certificate": status_.certificate.code if status_.certificate else None,
                    }
                    for status_ in module_statuses(request.user)
                ],
            }
        )
