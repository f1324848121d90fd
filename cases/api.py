"""REST API: raise a concern, and the cases of owners, compliance and admins."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import generics, permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from cases import selectors, services
from cases.models import Case
from checklists.models import Concern
from core.api import Pagination, StrictBooleanField, StrictCharField
from core.privacy import validate_no_personal_data


class CaseWorkers(permissions.BasePermission):
    message = "Only supervisors, compliance and admins work cases."

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated) and selectors.may_work_cases(
            request.user
        )


class ConcernCreateSerializer(serializers.Serializer):
    category = serializers.ChoiceField(choices=Concern.Category.choices)
    description = StrictCharField(max_length=4000, validators=[validate_no_personal_data])
    anonymous = StrictBooleanField(default=False)
    about_supervisor = StrictBooleanField(default=False)
    to_compliance = StrictBooleanField(default=False)


class ConcernCreateView(APIView):
    """Any signed-in person; an anonymous report's answer carries its receipt code, once."""

    @extend_schema(
        summary="Raise a concern, by name or anonymously",
        request=ConcernCreateSerializer,
        responses={
            201: inline_serializer(
                "ConcernReceived",
                {
                    "received": serializers.BooleanField(),
                    "receipt_code": serializers.CharField(required=False),
                },
            )
        },
    )
    def post(self, request):
        data = ConcernCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        _case, code = services.concern_raise(reporter=request.user, **data.validated_data)
        answer = {"received": True}
        if code:
            answer["receipt_code"] = code
        return Response(answer, status=status.HTTP_201_CREATED)


class CaseSerializer(serializers.ModelSerializer):
    category = serializers.CharField(source="concern.category")
    anonymous = serializers.BooleanField(source="concern.is_anonymous")
    # A named reporter only; an anonymous case has none to give.
    reporter = serializers.SerializerMethodField()
    team = serializers.CharField(source="team.name", default=None)
    owner = serializers.CharField(source="owner.username", default=None)
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = [
            "id",
            "category",
            "anonymous",
            "reporter",
            "status",
            "route",
            "team",
            "owner",
            "about_supervisor",
            "opened_on",
            "acknowledge_by",
            "feedback_by",
            "acknowledged_on",
            "closed_on",
            "outcome",
            "overdue",
        ]
        read_only_fields = fields

    def get_reporter(self, case) -> str | None:
        reporter = case.concern.reporter
        return reporter.get_username() if reporter and not case.concern.is_anonymous else None

    def get_overdue(self, case) -> list[str]:
        return case.overdue_reasons()


class CaseMessageSerializer(serializers.Serializer):
    kind = serializers.CharField()
    text = serializers.CharField()
    written_on = serializers.DateField()
    author = serializers.CharField(source="author.username", default=None)


class CaseDetailSerializer(CaseSerializer):
    description = serializers.CharField(source="concern.description")
    messages = CaseMessageSerializer(many=True)

    class Meta(CaseSerializer.Meta):
        fields = [*CaseSerializer.Meta.fields, "description", "messages"]
        read_only_fields = fields


class CaseListView(generics.ListAPIView):
    permission_classes = [CaseWorkers]
    serializer_class = CaseSerializer
    pagination_class = Pagination

    def get_queryset(self):
        return (
            selectors.cases_for_user(self.request.user)
            .select_related("concern__reporter")
            .order_by("opened_on", "id")
        )

    @extend_schema(summary="The cases you may work, oldest first")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class CaseDetailView(APIView):
    permission_classes = [CaseWorkers]

    @extend_schema(summary="One case with its messages", responses=CaseDetailSerializer)
    def get(self, request, pk):
        case = get_object_or_404(
            selectors.cases_for_user(request.user)
            .select_related("concern__reporter")
            .prefetch_related("messages__author"),
            pk=pk,
        )
        return Response(CaseDetailSerializer(case).data)
