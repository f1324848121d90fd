"""Default content: version 1 of the interaction rubric and its five criteria."""

from django.db import migrations

RUBRIC = {
    "name": "Interaction rubric",
    "version": 1,
    "notes": (
        "The default rubric that ships with EthicsKit: five weighted criteria for scoring "
        "a customer conversation, whether you are reviewing your own work or a colleague's."
    ),
}

CRITERIA = [
    {
        "key": "empathy",
        "name": "Empathy",
        "weight": 25,
        "description": (
            "How well the agent noticed what the customer was going through and let that "
            "shape the tone and the help they gave."
        ),
        "level_1": (
            "The agent ignored or brushed past how the customer felt, for example talking "
            "straight over a stated worry or treating an urgent problem as routine."
        ),
        "level_2": (
            "The agent offered a stock phrase of sympathy but then carried on as if nothing "
            "had been said; the reply did not change to fit the customer's situation."
        ),
        "level_3": (
            "The agent named the customer's concern in their own words and kept a kind, "
            "patient tone throughout, though the help itself stayed fairly standard."
        ),
        "level_4": (
            "The agent asked a question or two to understand the person's circumstances and "
            "adjusted the pace, the explanation or the next steps to suit them."
        ),
        "level_5": (
            "The customer came away feeling truly heard: the agent picked up on what mattered "
            "most to them, reflected it back, and shaped the whole solution around it."
        ),
    },
    {
        "key": "accuracy",
        "name": "Accuracy",
        "weight": 25,
        "description": (
            "Whether every fact the agent gave about products, prices, services and policies "
            "was correct and current."
        ),
        "level_1": (
            "The agent told the customer something wrong or out of date, such as an old price "
            "or a policy that no longer applies, and did not correct it."
        ),
        "level_2": (
            "Most of what the agent said was right, but at least one detail was guessed, "
            "vague or slightly off, and nobody checked it before the call ended."
        ),
        "level_3": (
            "Everything the agent said was correct; where they were not sure, they said so "
            "and looked it up rather than guessing."
        ),
        "level_4": (
            "The agent gave correct, current answers and checked the relevant policy or "
            "system before committing to anything, confirming key details back to the customer."
        ),
        "level_5": (
            "Every fact was right and up to date, the agent cited where it came from when "
            "useful, and they headed off a likely misunderstanding before it could happen."
        ),
    },
    {
        "key": "fairness",
        "name": "Fairness",
        "weight": 20,
        "description": (
            "Whether the customer got the same standard of treatment, options and outcome "
            "that anyone else in the same situation would get."
        ),
        "level_1": (
            "The agent treated the customer better or worse because of who they were, how "
            "they sounded or how much they spend, for example offering or withholding options."
        ),
        "level_2": (
            "No clear bias, but the agent's choices were inconsistent, such as bending a rule "
            "for a persistent caller that they would hold firm on for a quiet one."
        ),
        "level_3": (
            "The agent applied the policy the same way they would for anyone and offered the "
            "standard options available to every customer in this situation."
        ),
        "level_4": (
            "The agent applied the rules evenly and made sure the customer knew every option "
            "they were entitled to, including ones they had not asked about."
        ),
        "level_5": (
            "The agent was even-handed from start to finish, based every decision on the facts "
            "of the case, and could explain why the outcome would be the same for anyone."
        ),
    },
    {
        "key": "transparency",
        "name": "Transparency",
        "weight": 15,
        "description": (
            "How openly the agent shared limits, fees, risks and the reasons behind decisions, "
            "so the customer was never caught out later."
        ),
        "level_1": (
            "The agent hid or twisted something the customer needed to know, such as a fee, "
            "a limitation or the real reason a request was turned down."
        ),
        "level_2": (
            "The agent answered only what was asked and left out a cost, condition or risk "
            "that the customer was likely to run into."
        ),
        "level_3": (
            "The agent mentioned the relevant fees, limits and conditions, though some came "
            "late in the conversation or only after the customer pressed for them."
        ),
        "level_4": (
            "The agent raised fees, limits and risks early, in plain words, and explained "
            "the reason behind any decision they made."
        ),
        "level_5": (
            "The agent was completely open: they set out every cost, limitation and trade-off "
            "up front and checked that the customer had what they needed to decide."
        ),
    },
    {
        "key": "respect",
        "name": "Respect",
        "weight": 15,
        "description": (
            "Whether the agent stayed courteous and professional and treated the customer "
            "with dignity, including when the conversation got difficult."
        ),
        "level_1": (
            "The agent was rude, sarcastic or dismissive, for example interrupting, talking "
            "down to the customer or cutting them off without reason."
        ),
        "level_2": (
            "The agent was polite at first but grew curt, impatient or defensive once the "
            "customer pushed back or became frustrated."
        ),
        "level_3": (
            "The agent stayed polite and professional throughout and let the customer finish "
            "speaking, even if the warmth dipped under pressure."
        ),
        "level_4": (
            "The agent kept a calm, courteous tone under pressure, avoided jargon, and set "
            "any boundaries politely and clearly."
        ),
        "level_5": (
            "The agent showed consistent courtesy and dignity, even with an upset or hostile "
            "customer, and the conversation ended on a respectful footing."
        ),
    },
]


def load(apps, schema_editor):
    Rubric = apps.get_model("rubrics", "Rubric")
    Criterion = apps.get_model("rubrics", "Criterion")
    rubric = Rubric.objects.create(**RUBRIC)
    for position, data in enumerate(CRITERIA, start=1):
        Criterion.objects.create(
            rubric=rubric, position=position, critical=False, allows_na=False, **data
        )


def unload(apps, schema_editor):
    Rubric = apps.get_model("rubrics", "Rubric")
    # Criteria go with the rubric (on_delete=CASCADE).
    Rubric.objects.filter(version=RUBRIC["version"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("rubrics", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(load, unload),
    ]
