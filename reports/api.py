"""The team-summary API: a team's figures for a period, as the team dashboard reads them."""

from decimal import ROUND_HALF_UP

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from core.dates import date_window, last_day
from reports.selectors import team_summary
from rubrics.api import DATE_PARAMS, LEADERS, TeamRefSerializer, date_filters
from rubrics.models import self_scores_blind_for
from teams.access import teams_led_by


class CriterionSummarySerializer(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()
    weight = serializers.IntegerField()
    self_average = serializers.DecimalField(
        source="self_avg", max_digits=4, decimal_places=2, allow_null=True, rounding=ROUND_HALF_UP
    )
    review_average = serializers.DecimalField(
        source="review_avg", max_digits=4, decimal_places=2, allow_null=True, rounding=ROUND_HALF_UP
    )


def _average(decimal_places):
    return serializers.DecimalField(
        max_digits=6, decimal_places=decimal_places, allow_null=True, rounding=ROUND_HALF_UP
    )


class TeamSummarySerializer(serializers.Serializer):
    team = TeamRefSerializer()
    date_from = serializers.DateField(source="start")
    date_to = serializers.DateField(source="end")
    count = serializers.IntegerField(help_text="Self-scored interactions in the period.")
    reviewed = serializers.IntegerField()
    self_score = _average(2)
    self_percent = _average(1)
    review_score = _average(2)
    review_percent = _average(1)
    criteria = CriterionSummarySerializer(many=True)


class TeamSummaryView(APIView):
    permission_classes = [LEADERS]

    @extend_schema(
        summary="A team's counts and averages for a period (default: the last 90 days)",
        parameters=DATE_PARAMS,
        responses=TeamSummarySerializer,
    )
    def get(self, request, pk):
        team = get_object_or_404(teams_led_by(request.user), pk=pk)
        dates = date_filters(request)
        start, end = date_window(dates.get("date_from"), dates.get("date_to"))
        summary = team_summary(team, start, end, blind=self_scores_blind_for(request.user, [team]))
        summary["start"], summary["end"] = start.date(), last_day(end)
        return Response(TeamSummarySerializer(summary).data)
