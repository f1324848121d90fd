"""Default library content: script categories, scripts, the language bank,
common mistakes and the "slightly shady" discount playbook.

All wording is our own; the facts come from the toolkit inventory.
"""

from django.db import migrations

CATEGORIES = [
    {"name": "Privacy and security", "slug": "privacy-security", "position": 1},
    {"name": "Honesty and corrections", "slug": "honesty-corrections", "position": 2},
    {"name": "Policy limits", "slug": "policy-limits", "position": 3},
    {"name": "Difficult customers", "slug": "difficult-customers", "position": 4},
    {"name": "Integrity and reporting", "slug": "integrity-reporting", "position": 5},
]

SCRIPTS = [
    {
        "category": "privacy-security",
        "slug": "data-breach-report",
        "title": "A customer reports a possible data breach",
        "situation": (
            "Use this when a customer tells you their account or personal details may "
            "have been exposed, accessed by someone else or used without their consent."
        ),
        "body": (
            "Thank you for telling us straight away, [Customer Name]. I understand how "
            "unsettling this is, and I'm treating it as urgent. I'm passing the details "
            "to our security team right now, while we're still talking. Your reference "
            "is [Case Reference]. In the meantime, please change your password for us "
            "and anywhere else you use the same one, and keep an eye on your account "
            "and statements for anything you don't recognise. [Security Contact] from "
            "security will be in touch by [Update Date], and we'll keep you posted as "
            "we learn more. If you spot anything odd before then, call us and quote "
            "your reference."
        ),
        "guidance": (
            "1. Raise the report with the security team immediately; do not wait until "
            "after the call.\n"
            "2. Record what the customer noticed, when, and on which account.\n"
            "3. Advise a password change and close watching of the account.\n"
            "4. Give a reference number and a date for the first update, then keep it.\n"
            "5. Never guess about the cause or scale of the breach on the call."
        ),
    },
    {
        "category": "honesty-corrections",
        "slug": "correcting-misleading-information",
        "title": "Correcting misleading information given earlier",
        "situation": (
            "Use this when you find that the customer was told something wrong or "
            "incomplete in an earlier contact, whether by you or by a colleague."
        ),
        "body": (
            "[Customer Name], I need to put something right. When you contacted us on "
            "[Earlier Contact Date], you were told [Incorrect Information]. That wasn't "
            "accurate, and I'm sorry for the confusion it caused. The correct position "
            "is [Correct Information]. If you made any decisions based on what you heard "
            "before, let's go through them together now and see what we can fix. I'm "
            "also making sure the team gets a refresher on this so it doesn't happen to "
            "anyone else. Thank you for your patience, and for giving us the chance to "
            "correct it."
        ),
        "guidance": (
            "1. Check the facts before you call, so the correction is itself right.\n"
            "2. Apologise plainly; don't name or blame the colleague.\n"
            "3. Ask whether the wrong information led to any cost or decision, and "
            "help undo it.\n"
            "4. Tell your team lead so training can be arranged.\n"
            "5. Note the correction on the customer's record."
        ),
    },
    {
        "category": "policy-limits",
        "slug": "declining-discount-outside-policy",
        "title": "Declining a discount that breaks policy",
        "situation": (
            "Use this when a customer asks for a discount or price exception that our "
            "policy does not allow, including requests to make a quiet exception."
        ),
        "body": (
            "I can see why you're asking, [Customer Name], and I appreciate you being a "
            "customer with us. I've checked our discount policy carefully, and this "
            "request falls outside what we're able to offer, so I can't apply it. That "
            "rule applies to everyone, which is how we keep our prices fair. What I can "
            "do is [Alternative Offer]. Would that work for you? If you'd like, I can "
            "also let you know when [Upcoming Promotion] opens."
        ),
        "guidance": (
            "1. Acknowledge the request and the reason behind it.\n"
            "2. Re-read the policy before you answer; check eligibility properly.\n"
            "3. Decline clearly and once; don't hint that it might change later.\n"
            "4. Offer a real alternative that sits inside policy.\n"
            "5. If the customer pushes hard or threatens to leave, involve a "
            "supervisor or compliance rather than bending the rule."
        ),
    },
    {
        "category": "difficult-customers",
        "slug": "unethical-demand",
        "title": "A customer demands something unethical",
        "situation": (
            "Use this when a customer insists on something that would break the law, "
            "our policy or another person's rights, such as sharing someone else's data "
            "or misstating facts on a record."
        ),
        "body": (
            "I hear that this matters a great deal to you, [Customer Name], and I do "
            "want to help. What you're asking for, [Requested Action], isn't something "
            "I can do, because it would [Reason It Is Not Allowed]. I'd rather be honest "
            "with you about that than make a promise I can't keep. Here is what I can "
            "do instead: [Ethical Alternative]. If you'd like this looked at again, I'll "
            "pass it to [Supervisor Name], who can review it with you."
        ),
        "guidance": (
            "1. Keep your voice calm and even, however the request is put.\n"
            "2. Explain the reason in plain words; avoid quoting policy numbers.\n"
            "3. Offer at least one ethical option that moves things forward.\n"
            "4. Escalate to a supervisor if the customer persists.\n"
            "5. Write down what was asked and what you said."
        ),
    },
    {
        "category": "difficult-customers",
        "slug": "angry-or-abusive-customer",
        "title": "An angry or abusive customer",
        "situation": (
            "Use this when a customer is shouting, swearing or being personally "
            "insulting, and when anger tips over into abuse."
        ),
        "body": (
            "I can hear how frustrated you are, [Customer Name], and I want to sort "
            "this out. Let me make sure I've understood: [Summary Of Problem]. I'm "
            "going to help with that. To do so, I need us to keep the conversation "
            "respectful, so please don't use language like that with me. "
            "(If the abuse continues) I'm not able to carry on while I'm being spoken "
            "to this way, so I'm going to end the call now. You're welcome to contact "
            "us again, and your reference is [Case Reference]."
        ),
        "guidance": (
            "1. Let the customer finish; listen without interrupting.\n"
            "2. Acknowledge the feeling and sum up the problem in your own words.\n"
            "3. If the language turns abusive, state the boundary once, calmly.\n"
            "4. If the abuse goes on, end the call politely.\n"
            "5. Document what happened straight away and report it to your team lead."
        ),
    },
    {
        "category": "integrity-reporting",
        "slug": "gift-or-incentive-offered",
        "title": "A gift or incentive offered for special treatment",
        "situation": (
            "Use this when a customer, supplier or partner offers you a gift, payment, "
            "favour or other reward in return for faster or better treatment."
        ),
        "body": (
            "That's kind of you to offer, [Customer Name], but I have to say no. We "
            "don't accept gifts or rewards in return for service, because every "
            "customer should get the same fair treatment from us. You'll get my full "
            "help either way. Now, let's look at [Customer Request] and see what we can "
            "do within the normal process."
        ),
        "guidance": (
            "1. Decline politely and without making the person feel accused.\n"
            "2. Explain briefly that fair treatment means no special deals.\n"
            "3. Carry on helping as normal; don't treat them worse for asking.\n"
            "4. Report the offer to your team lead or compliance the same day."
        ),
    },
    {
        "category": "integrity-reporting",
        "slug": "colleague-misconduct",
        "title": "Reporting a colleague's misconduct",
        "situation": (
            "Use this when you see or hear a colleague do something that breaks our "
            "ethics policy, such as misleading a customer or mishandling data, and you "
            "need to raise it."
        ),
        "body": (
            "Hello [Manager Name], I'd like to raise something in confidence. On "
            "[Incident Date], during [Interaction Or Case Reference], I saw "
            "[What Happened]. I'm concerned because [Why It Matters]. I'm reporting what "
            "I observed, not making an accusation, and I'd like it looked into through "
            "the proper channel. Please let me know if you need anything more from me. "
            "Thanks, [Agent Name]."
        ),
        "guidance": (
            "1. Write down the facts while they are fresh: what, when, who was affected.\n"
            "2. Report to your manager, compliance or the confidential reporting line.\n"
            "3. Stick to what you saw; leave the judgement to the process.\n"
            "4. Remember that anyone who reports in good faith is protected from "
            "retaliation.\n"
            "5. Don't discuss the matter with other colleagues."
        ),
    },
    {
        "category": "integrity-reporting",
        "slug": "unsure-if-ethical",
        "title": "When you're unsure whether something is ethical",
        "situation": (
            "Use this when a request or decision doesn't feel right but you can't tell "
            "whether it crosses a line, and you need time to check."
        ),
        "body": (
            "Thanks for your patience, [Customer Name]. I want to give you the right "
            "answer rather than a quick one, so I'm going to check this with "
            "[Supervisor Name] before I go ahead. I'll get back to you by "
            "[Callback Time] with a clear answer. Your reference is [Case Reference]."
        ),
        "guidance": (
            "1. Pause; don't agree to anything you're unsure about.\n"
            "2. Ask a supervisor or compliance, or check the ethics policy.\n"
            "3. Work through the decision framework: issue, facts, options, "
            "consequences.\n"
            "4. Write down what you decided and why.\n"
            "5. Call the customer back when you said you would."
        ),
    },
    {
        "category": "honesty-corrections",
        "slug": "request-against-customer-interest",
        "title": "A request that works against the customer's own interest",
        "situation": (
            "Use this when a customer asks for something that is allowed but likely to "
            "cost them, such as cancelling early with a fee or dropping cover they "
            "still need."
        ),
        "body": (
            "I can certainly help with that, [Customer Name]. Before I do, I want to "
            "make sure you have the full picture. If we go ahead, [Consequence], and "
            "that would mean [Cost Or Loss]. Another option is [Alternative Option], "
            "which may suit you better. It's completely your decision, and I'll do "
            "whichever you choose. Would you like a moment to think it over, or shall I "
            "send the details to [Customer Email]?"
        ),
        "guidance": (
            "1. Explain the costs, risks and alternatives in plain language.\n"
            "2. Don't pressure the customer either way; the choice is theirs.\n"
            "3. Offer to put the details in writing.\n"
            "4. Record what you explained and what the customer decided."
        ),
    },
]

PHRASES = [
    {
        "text": "I'm committed to finding a resolution that's fair to you.",
        "when_to_use": (
            "At the start of a complaint or dispute, to show the customer you're on "
            "the side of a fair outcome."
        ),
        "value": "Fairness",
    },
    {
        "text": (
            "That's not something I'm able to do, but here's what I can offer within our policy."
        ),
        "when_to_use": ("When you have to say no, so the refusal always comes with a way forward."),
        "value": "Transparency",
    },
    {
        "text": "We really value having you as a customer.",
        "when_to_use": (
            "When a customer feels overlooked or is thinking of leaving, to show their "
            "custom matters."
        ),
        "value": "Respect",
    },
    {
        "text": "We look after your personal information carefully.",
        "when_to_use": (
            "When a customer asks why we need their details or worries about how they "
            "are stored and used."
        ),
        "value": "Privacy",
    },
    {
        "text": "We want you to have every fact you need before you decide.",
        "when_to_use": (
            "Before a customer makes a decision with costs or risks, such as "
            "cancelling, switching or upgrading."
        ),
        "value": "Honesty",
    },
]

MISTAKES = [
    {
        "title": "Promising what you can't deliver",
        "why_it_hurts": (
            "A broken promise does more damage than an honest no. The customer plans "
            "around what you said and feels let down twice."
        ),
        "remedy": (
            "Only commit to what you control. If you're not sure, say you'll find out "
            "and give a time for the answer."
        ),
    },
    {
        "title": "Holding back information",
        "why_it_hurts": (
            "Customers who discover a fee, limit or risk later assume it was hidden on "
            "purpose, and stop believing what we tell them."
        ),
        "remedy": (
            "Mention limits, fees and risks up front, even when the customer hasn't "
            "asked. Bad news told early is easier to accept."
        ),
    },
    {
        "title": "Brushing off complaints",
        "why_it_hurts": (
            "An ignored complaint tells the customer they don't matter, and the "
            "underlying problem keeps hurting others."
        ),
        "remedy": (
            "Log every complaint, acknowledge it quickly and tell the customer what "
            "will happen next."
        ),
    },
    {
        "title": "Pointing the finger at others",
        "why_it_hurts": (
            "Blaming another team, a colleague or the system makes us look "
            "disorganised and leaves the customer with no one to rely on."
        ),
        "remedy": (
            "Own the problem on behalf of the company: say sorry, explain what you're "
            "doing about it, and sort out internal causes behind the scenes."
        ),
    },
    {
        "title": "Hiding behind jargon",
        "why_it_hurts": (
            "Technical or policy language leaves customers confused and can feel like "
            "a way of avoiding a straight answer."
        ),
        "remedy": (
            "Use everyday words and short sentences. Check understanding by asking the "
            "customer whether it makes sense."
        ),
    },
    {
        "title": "Getting defensive or arguing",
        "why_it_hurts": (
            "Arguing turns a problem into a contest. Even if you win the point, you "
            "lose the customer's trust."
        ),
        "remedy": (
            "Listen first, acknowledge how the customer feels, and move the "
            "conversation towards what can be done."
        ),
    },
    {
        "title": "Not following up",
        "why_it_hurts": (
            "When a promised call or update never arrives, the customer concludes that "
            "their issue was forgotten."
        ),
        "remedy": (
            "Set a reminder for every follow-up you offer, and get in touch on time "
            "even if the only news is that you're still working on it."
        ),
    },
]

PLAYBOOK = {
    "slug": "slightly-shady-discount-request",
    "title": 'The "slightly shady" discount request',
    "summary": (
        "A customer wants a discount they aren't eligible for, often framed as a "
        "small favour or a one-off exception. Saying yes would be unfair to every "
        "other customer and could breach policy, but a careless no can lose the "
        "account. This playbook helps you keep both the customer and your integrity."
    ),
    "warning_signs": (
        "The customer talks about bending a rule or asks for a one-off exception\n"
        "A request for a discount the customer doesn't qualify for\n"
        "Pressure to decide quickly, or threats to take their business elsewhere"
    ),
    "first_hour": (
        "Acknowledge the request and thank the customer for raising it\n"
        "Re-read the discount policy and check the customer's eligibility\n"
        "Talk it through with a supervisor or compliance before answering"
    ),
    "what_to_say": (
        "Recognise why the customer is asking, decline clearly because the policy "
        "applies to everyone, and offer a genuine alternative within policy. Use the "
        "decline script below and stay friendly throughout."
    ),
    "script": "declining-discount-outside-policy",
    "metrics": (
        "Customer retention rate\nComplaints about discount eligibility\nCompliance violations"
    ),
    "target_outcome": (
        "The customer stays with us, we remain fully compliant, and requests of this "
        "kind fall by 10% next quarter."
    ),
}


def load(apps, schema_editor):
    ScriptCategory = apps.get_model("scripts_library", "ScriptCategory")
    Script = apps.get_model("scripts_library", "Script")
    Phrase = apps.get_model("scripts_library", "Phrase")
    CommonMistake = apps.get_model("scripts_library", "CommonMistake")
    Playbook = apps.get_model("scripts_library", "Playbook")

    categories = {}
    for data in CATEGORIES:
        categories[data["slug"]] = ScriptCategory.objects.create(**data)

    scripts = {}
    for data in SCRIPTS:
        fields = dict(data, category=categories[data["category"]], status="published")
        scripts[data["slug"]] = Script.objects.create(**fields)

    for position, data in enumerate(PHRASES, start=1):
        Phrase.objects.create(position=position, **data)

    for position, data in enumerate(MISTAKES, start=1):
        CommonMistake.objects.create(position=position, **data)

    Playbook.objects.create(**dict(PLAYBOOK, script=scripts[PLAYBOOK["script"]]))


def unload(apps, schema_editor):
    ScriptCategory = apps.get_model("scripts_library", "ScriptCategory")
    Script = apps.get_model("scripts_library", "Script")
    Phrase = apps.get_model("scripts_library", "Phrase")
    CommonMistake = apps.get_model("scripts_library", "CommonMistake")
    Playbook = apps.get_model("scripts_library", "Playbook")

    Playbook.objects.filter(slug=PLAYBOOK["slug"]).delete()
    CommonMistake.objects.filter(title__in=[m["title"] for m in MISTAKES]).delete()
    Phrase.objects.filter(text__in=[p["text"] for p in PHRASES]).delete()
    Script.objects.filter(slug__in=[s["slug"] for s in SCRIPTS]).delete()
    # Keep a default category if someone has since filed their own scripts under it.
    ScriptCategory.objects.filter(
        slug__in=[c["slug"] for c in CATEGORIES], scripts__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("scripts_library", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(load, unload),
    ]
