"""Migrate the test provider's database and add its client and people.

Run as `python -m tests.oidc_provider.prepare` with the provider's environment and
PROVIDER_CLIENT (JSON: client_id, client_secret, redirect_uri) and PROVIDER_PEOPLE (JSON list of
username, password, email, first_name, last_name, groups)."""

import json
import os

import django


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.oidc_provider.settings")
    django.setup()
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from oauth2_provider.models import Application

    call_command("migrate", verbosity=0)
    client = json.loads(os.environ["PROVIDER_CLIENT"])
    Application.objects.create(
        name="EthicsKit",
        client_id=client["client_id"],
        client_secret=client["client_secret"],
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=client["redirect_uri"],
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=False,
    )
    for person in json.loads(os.environ["PROVIDER_PEOPLE"]):
        groups = person.pop("groups")
        user = User.objects.create_user(**person)
        for name in groups:
            user.groups.add(Group.objects.get_or_create(name=name)[0])


if __name__ == "__main__":
    main()
