from django import template

from scripts_library.low_ratings import scripts_for_low_ratings

register = template.Library()


@register.inclusion_tag("scripts_library/low_rating_scripts.html")
def scripts_for_low_ratings_of(*evaluations):
    """Suggest scripts for criteria rated 1 or 2; pass every evaluation shown, missing ones too."""
    return {"suggestions": scripts_for_low_ratings(evaluations)}
