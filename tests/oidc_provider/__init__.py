"""A tiny OpenID Connect provider (django-oauth-toolkit) that the single sign-on tests start in a
second process, with its own database, RSA key and port. It is test equipment only."""
