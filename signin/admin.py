from django.contrib import admin
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from teams.accounts import end_sessions


class DeviceAdmin(admin.ModelAdmin):
    """Who has which second factor, read-only: the keys stay secret even from admins. Deleting
    someone's authenticator (a lost phone) signs them out everywhere, and they set up a new one
    at their next sign-in. An admin resetting their own keeps the session they are using."""

    list_display = ["user", "name", "confirmed", "created_at", "last_used_at"]
    list_filter = ["confirmed"]
    search_fields = ["user__username", "user__email"]
    fields = ["user", "name", "confirmed", "created_at", "last_used_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def delete_model(self, request, obj):
        with transaction.atomic():
            super().delete_model(request, obj)
            _sign_out(request, {obj.user})

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            people = {device.user for device in queryset.select_related("user")}
            super().delete_queryset(request, queryset)
            _sign_out(request, people)


def _sign_out(request, people):
    for person in people:
        keep = request.session.session_key if person == request.user else None
        end_sessions(person, keep=keep)


# django-otp's own admins show and edit the secret keys; ours replace them.
for model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, DeviceAdmin)
