from django import template

from checklists.run_help import runs_of_interaction

register = template.Library()


@register.inclusion_tag("checklists/interaction_runs.html", takes_context=True)
def checklist_runs_of(context, interaction, heading_level=2):
    """The checklist runs attached to `interaction` that the viewer may see, "no" notes first
    in each, with the help linked to each item."""
    return {
        "runs": runs_of_interaction(context["request"].user, interaction.pk),
        "interaction": interaction,
        "heading_level": heading_level,
    }
