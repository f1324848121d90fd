from django.contrib import admin
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from signin.two_factor import second_factor_verified


class TwoFactorAdminSite(admin.AdminSite):
    """The Django admin, open only to staff whose session has passed the second factor."""

    def has_permission(self, request):
        return super().has_permission(request) and second_factor_verified(request)

    def login(self, request, extra_context=None):
        user = request.user
        if user.is_active and user.is_staff and not second_factor_verified(request):
            next_url = request.GET.get("next") or reverse("admin:index", current_app=self.name)
            return redirect(f"{reverse('two_factor_verify')}?{urlencode({'next': next_url})}")
        return super().login(request, extra_context)

    def index(self, request, extra_context=None):
        """The admin's home, with the count of background jobs that failed for good."""
        from procrastinate.contrib.django.models import ProcrastinateJob

        extra_context = extra_context or {}
        if request.user.has_perm("procrastinate.view_procrastinatejob"):
            extra_context["failed_jobs"] = ProcrastinateJob.objects.filter(status="failed").count()
        return super().index(request, extra_context)
