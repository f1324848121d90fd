"""The people admin: a staff admin who is not a superuser cannot make or touch a superuser."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.forms import BooleanField, MultiWidget
from django.urls import reverse

User = get_user_model()


@pytest.fixture
def root(db):
    return User.objects.create_superuser("root", "root@example.com", "a-long-root-password")


def change_url(user):
    return reverse("admin:auth_user_change", args=[user.pk])


def form_data(client, url):
    """The POST the page at url sends when saved untouched."""
    response = client.get(url)
    assert response.status_code == 200
    data = {"_save": "Save"}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
        forms += formset.forms
    for form in forms:
        for name, field in form.fields.items():
            value = form[name].value()
            if isinstance(field, BooleanField):
                if value:
                    data[form.add_prefix(name)] = "on"
            elif isinstance(field.widget, MultiWidget):
                parts = value if isinstance(value, list) else field.widget.decompress(value)
                for index, part in enumerate(parts):
                    data[f"{form.add_prefix(name)}_{index}"] = "" if part is None else str(part)
            elif isinstance(value, list):
                data[form.add_prefix(name)] = [str(item) for item in value]
            else:
                data[form.add_prefix(name)] = "" if value is None else value
    return data


def test_a_staff_admin_is_offered_neither_superuser_status_nor_single_permissions(
    login, admin_user, agent
):
    response = login(admin_user).get(change_url(agent))
    assert response.status_code == 200
    fields = response.context["adminform"].form.fields
    assert "is_superuser" not in fields and "user_permissions" not in fields
    assert {"groups", "is_staff", "is_active"} <= set(fields)
    assert b'name="is_superuser"' not in response.content


def test_a_staff_admin_cannot_grant_superuser_or_permissions_by_posting_them(
    login, admin_user, agent
):
    client = login(admin_user)
    data = form_data(client, change_url(agent))
    permission = Permission.objects.get(codename="delete_user")
    data.update(is_superuser="on", user_permissions=[str(permission.pk)], first_name="Alicia")
    response = client.post(change_url(agent), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    agent.refresh_from_db()
    assert agent.first_name == "Alicia"  # the save went through, without the two fields
    assert not agent.is_superuser
    assert not agent.user_permissions.exists()


def test_a_staff_admin_cannot_make_themself_a_superuser(login, admin_user):
    client = login(admin_user)
    data = form_data(client, change_url(admin_user))
    data["is_superuser"] = "on"
    client.post(change_url(admin_user), data)
    admin_user.refresh_from_db()
    assert not admin_user.is_superuser


def test_a_staff_admin_cannot_change_delete_or_reset_a_superuser(login, admin_user, root):
    client = login(admin_user)
    assert client.get(change_url(root)).status_code == 200  # may look
    data = {"username": "root", "is_active": "", "_save": "Save"}
    assert client.post(change_url(root), data).status_code == 403
    password_url = reverse("admin:auth_user_password_change", args=[root.pk])
    assert client.get(password_url).status_code == 403
    new = {"password1": "taken-over-account-1", "password2": "taken-over-account-1"}
    assert client.post(password_url, new).status_code == 403
    delete_url = reverse("admin:auth_user_delete", args=[root.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    bulk = client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "delete_selected", "_selected_action": [root.pk], "post": "yes"},
    )
    assert bulk.status_code in (200, 302, 403)
    root.refresh_from_db()
    assert root.is_active and root.check_password("a-long-root-password")
    assert User.objects.filter(pk=root.pk).exists()


def test_the_change_page_of_a_superuser_is_read_only_for_a_staff_admin(login, admin_user, root):
    response = login(admin_user).get(change_url(root))
    assert response.context["has_change_permission"] is False
    assert b'name="username"' not in response.content
    # No button leading to the password form, which would refuse them.
    assert f"{change_url(root)}../password/".encode() not in response.content
    assert b"Reset password" not in response.content
    assert b"Reset password" in login(admin_user).get(change_url(admin_user)).content


def test_a_superuser_may_grant_superuser_status_and_permissions(client, root, agent):
    client.force_login(root)
    data = form_data(client, change_url(agent))
    assert "is_superuser" not in data  # unticked
    permission = Permission.objects.get(codename="delete_user")
    data.update(is_superuser="on", user_permissions=[str(permission.pk)])
    response = client.post(change_url(agent), data)
    assert response.status_code == 302
    agent.refresh_from_db()
    assert agent.is_superuser
    assert list(agent.user_permissions.all()) == [permission]
