from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied

from teams.access import is_admin
from teams.accounts import mark_temporary
from teams.models import AuditEntry, Membership, Role, Team

User = get_user_model()


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]
    verbose_name = "agent"
    verbose_name_plural = "agents"


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "agent_count", "supervisor_names"]
    search_fields = ["name"]
    filter_horizontal = ["supervisors"]
    inlines = [MembershipInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("supervisors", "memberships")

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        """Only people with the Supervisor role may lead a team."""
        if db_field.name == "supervisors":
            kwargs["queryset"] = User.objects.filter(groups__name=Role.SUPERVISOR).distinct()
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @admin.display(description="Agents")
    def agent_count(self, team):
        return len(team.memberships.all())

    @admin.display(description="Supervisors")
    def supervisor_names(self, team):
        return ", ".join(user.get_username() for user in team.supervisors.all()) or "—"


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "team", "joined_at"]
    list_filter = ["team"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "team__name"]
    autocomplete_fields = ["user", "team"]


class UserMembershipInline(admin.StackedInline):
    model = Membership
    can_delete = True
    extra = 0
    max_num = 1
    autocomplete_fields = ["team"]
    verbose_name = "team (agents only)"
    verbose_name_plural = "team (agents only)"


admin.site.unregister(User)


# Fields that make an account all-powerful: Django treats changing them as equal to being a
# superuser, so only a superuser sees or sets them.
SUPERUSER_ONLY_FIELDS = ("is_superuser", "user_permissions")


@admin.register(User)
class EthicsKitUserAdmin(UserAdmin):
    """People, for admins. A staff admin who is not a superuser manages roles (groups), teams
    and staff status, but cannot make anyone a superuser, give permissions one by one, or
    change, delete or set the password of a superuser: otherwise staff status would be a
    superuser's power in disguise."""

    inlines = [UserMembershipInline]
    list_display = ["username", "first_name", "last_name", "role_names", "team", "is_active"]
    list_filter = ["groups", "membership__team", "is_active", "is_staff"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("membership__team")
            .prefetch_related("groups")
        )

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            return fieldsets
        # A superuser is shown read-only, without the password's "Reset password" button.
        hidden = set(SUPERUSER_ONLY_FIELDS) | (
            {"password"} if self._guards_a_superuser(request, obj) else set()
        )
        return [
            (
                name,
                {
                    **options,
                    "fields": [f for f in options["fields"] if f not in hidden],
                },
            )
            for name, options in fieldsets
        ]

    def _guards_a_superuser(self, request, obj) -> bool:
        return obj is not None and obj.is_superuser and not request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        if self._guards_a_superuser(request, obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if self._guards_a_superuser(request, obj):
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        # The form of a staff admin has no such fields; this holds for any other way in too.
        if not request.user.is_superuser and (
            obj.is_superuser or (change and form.initial.get("is_superuser"))
        ):
            raise PermissionDenied("Only a superuser can change a superuser.")
        super().save_model(request, obj, form, change)
        if not change and obj.has_usable_password():
            # The admin knows the first password, so the person must replace it.
            mark_temporary(obj)

    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            user = self.get_object(request, id)
            if user != request.user and user.has_usable_password():
                mark_temporary(user)
        return response

    @admin.display(description="Roles")
    def role_names(self, user):
        return ", ".join(group.name for group in user.groups.all()) or "—"

    @admin.display(description="Team", ordering="membership__team__name")
    def team(self, user):
        membership = getattr(user, "membership", None)
        return membership.team if membership else "—"


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the log is written by the app as changes happen, never by hand."""

    list_display = ["at", "actor_name", "action", "model", "object_id", "object_repr", "source"]
    list_filter = ["model", "action", ("actor", admin.RelatedOnlyFieldListFilter), "at"]
    search_fields = ["object_repr", "object_id", "actor_name", "source"]
    date_hierarchy = "at"
    readonly_fields = [field.name for field in AuditEntry._meta.fields]

    def has_view_permission(self, request, obj=None):
        return is_admin(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
