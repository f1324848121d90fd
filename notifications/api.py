"""The caller's own notifications through the API."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import Pagination
from notifications import selectors, services
from notifications.models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "kind", "text", "url", "created_at", "read_at"]


class NotificationListView(generics.ListAPIView):
    """The caller's notifications, newest first."""

    serializer_class = NotificationSerializer
    pagination_class = Pagination

    def get_queryset(self):
        return selectors.inbox_for(self.request.user)


class NotificationReadView(APIView):
    """Mark one of the caller's notifications read (anyone else's: 404)."""

    @extend_schema(request=None, responses=NotificationSerializer)
    def post(self, request, pk):
        try:
            notification = services.notification_mark_read(user=request.user, notification_id=pk)
        except Notification.DoesNotExist:
            raise NotFound("No such notification.") from None
        return Response(NotificationSerializer(notification).data)
