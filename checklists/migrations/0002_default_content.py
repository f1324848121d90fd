"""Default content: the three checklists, the triage matrix, the decision framework and the proof plan."""

from django.db import migrations

CHECKLISTS = [
    {
        "slug": "interaction-ethics",
        "title": "Interaction ethics checklist",
        "kind": "interaction",
        "audience": "agents",
        "purpose": (
            "Run through this list during or straight after a customer conversation, and any "
            "time something feels slightly off. It takes a minute and catches the everyday "
            "slips (a detail shared with the wrong person, a fee left unmentioned, a snap "
            "judgement) before they turn into complaints. It protects the customer's data and "
            "trust, keeps you on the right side of policy and the law, and protects the "
            "company's good name."
        ),
        "items": [
            {
                "title": "Data privacy",
                "question": (
                    "Did I verify who I was speaking to and handle their personal details "
                    "the way privacy law (GDPR, CCPA and the like) and our policy require?"
                ),
                "why_it_matters": (
                    "Customers trust us with their personal details, and careless handling "
                    "can hurt them and bring legal penalties."
                ),
            },
            {
                "title": "Transparency",
                "question": (
                    "Did I tell the customer about any limits, fees or risks before they "
                    "committed, rather than after?"
                ),
                "why_it_matters": (
                    "Surprises found later feel like being misled, even when nothing false "
                    "was said."
                ),
            },
            {
                "title": "Fairness",
                "question": (
                    "Would I have offered the same help and options to anyone else, whatever "
                    "their background or how much they have bought from us?"
                ),
                "why_it_matters": (
                    "Uneven treatment is discrimination, and customers notice it quickly."
                ),
            },
            {
                "title": "Accuracy",
                "question": (
                    "Was every fact I gave about products, services and policies correct and "
                    "current, and did I check anything I was unsure of?"
                ),
                "why_it_matters": (
                    "A wrong answer given confidently causes confusion, repeat contacts and "
                    "lost trust."
                ),
            },
            {
                "title": "Conflict of interest",
                "question": (
                    "Is there anything personal that could sway my judgement here, and if so, "
                    "have I disclosed it?"
                ),
                "why_it_matters": (
                    "Declaring a conflict keeps your decisions clean and shows you have "
                    "nothing to hide."
                ),
            },
            {
                "title": "Confidentiality",
                "question": (
                    "Did I keep internal company information to myself and share it only "
                    "with people who are authorised to see it?"
                ),
                "why_it_matters": (
                    "Leaked internal information can harm the company and give competitors an edge."
                ),
            },
            {
                "title": "Respect",
                "question": (
                    "Did I stay courteous and patient throughout, including when the "
                    "customer was upset or difficult?"
                ),
                "why_it_matters": (
                    "How we treat people at their worst moments is what they remember and "
                    "tell others."
                ),
            },
            {
                "title": "Objectivity",
                "question": (
                    "Did I base my decision on the facts of the case rather than my own "
                    "opinion or a first impression?"
                ),
                "why_it_matters": (
                    "Decisions grounded in facts are fair, consistent and easy to explain if "
                    "questioned."
                ),
            },
            {
                "title": "Compliance",
                "question": (
                    "Does what I did or promised follow our policies, the law and the rules "
                    "of our industry?"
                ),
                "why_it_matters": (
                    "A single breach can mean fines, complaints and damage to the company's "
                    "reputation."
                ),
            },
            {
                "title": "Reporting",
                "question": (
                    "If I saw or suspected something unethical, have I raised it with the "
                    "right person?"
                ),
                "why_it_matters": (
                    "Problems that get reported can be fixed; ones kept quiet tend to repeat "
                    "and grow."
                ),
            },
        ],
    },
    {
        "slug": "policy-and-complex-requests",
        "title": "Policy and complex-request checklist",
        "kind": "policy",
        "audience": "leaders",
        "purpose": (
            "For supervisors and admins: work through these ten questions before a new service "
            "policy goes live, and before you settle an unusual or high-stakes request. A "
            "policy touches every customer it applies to, so a flaw spreads fast. The list "
            "protects customers from unclear or unfair terms and protects the team from "
            "decisions it cannot later defend."
        ),
        "items": [
            {
                "title": "Transparency of terms",
                "question": (
                    "Will customers be able to find and understand every term and condition "
                    "that applies, in plain language, before they agree?"
                ),
                "why_it_matters": (
                    "Terms nobody can follow breed disputes and make the whole policy look "
                    "like a trap."
                ),
            },
            {
                "title": "Fairness of access",
                "question": (
                    "Is this service or outcome open on the same terms to every customer, "
                    "regardless of who they are or their standing with us?"
                ),
                "why_it_matters": (
                    "Unequal access quietly turns into discrimination and undermines the "
                    "team's credibility."
                ),
            },
            {
                "title": "Privacy and security of data",
                "question": (
                    "Is any customer data involved stored and handled securely, and in line "
                    "with privacy law?"
                ),
                "why_it_matters": (
                    "A data mistake at policy level exposes many customers at once, not just one."
                ),
            },
            {
                "title": "Accuracy and truth",
                "question": (
                    "Is everything we tell customers about this true, correct and free of "
                    "misleading impressions?"
                ),
                "why_it_matters": (
                    "Agents will repeat whatever the policy says, so any error is multiplied "
                    "across every conversation."
                ),
            },
            {
                "title": "Respect",
                "question": (
                    "Does this treat customers with courtesy and dignity, including the ones "
                    "who are frustrated or hard to deal with?"
                ),
                "why_it_matters": (
                    "Policies set the tone agents work within; a dismissive rule makes "
                    "respectful service harder."
                ),
            },
            {
                "title": "Confidentiality",
                "question": (
                    "Does customer information stay with the people who need it, with no "
                    "route for it to reach anyone unauthorised?"
                ),
                "why_it_matters": (
                    "Customers share details on the understanding that we will guard them."
                ),
            },
            {
                "title": "Responsibility for our mistakes and a fair fix",
                "question": (
                    "Where we got something wrong, do we own it openly and offer the "
                    "customer a fair fix?"
                ),
                "why_it_matters": (
                    "Owning a mistake and putting it right often wins back more trust than "
                    "the mistake cost."
                ),
            },
            {
                "title": "Compliance with law",
                "question": (
                    "Have we checked this against every law and regulation that applies, "
                    "and asked compliance where we are unsure?"
                ),
                "why_it_matters": (
                    "Legal breaches bring penalties, and no customer benefit outweighs them."
                ),
            },
            {
                "title": "Objectivity",
                "question": (
                    "Was this decision reached on the evidence, free of personal bias or "
                    "favouritism towards anyone?"
                ),
                "why_it_matters": (
                    "Favouritism, even with good intentions, is unfair to everyone who did "
                    "not benefit."
                ),
            },
            {
                "title": "Integrity",
                "question": (
                    "Would we be comfortable explaining this decision, and how we reached "
                    "it, to the customer face to face?"
                ),
                "why_it_matters": (
                    "Integrity is what holds the other nine together when no one is checking."
                ),
            },
        ],
    },
    {
        "slug": "service-change-review",
        "title": "Service-change ethics review",
        "kind": "service_change",
        "audience": "leaders",
        "purpose": (
            "Use this review whenever a change to a service is proposed: new prices, new "
            "channels, a feature removed or a process redesigned. Answer all five questions "
            "before the change is approved. It makes sure a change that looks good for the "
            "business does not quietly leave some customers worse off, less safe or less "
            "informed."
        ),
        "items": [
            {
                "title": "Impact on vulnerable customers",
                "question": (
                    "Will this change hit vulnerable customers (older, disabled, low-income "
                    "or in difficulty) harder than everyone else?"
                ),
                "why_it_matters": (
                    "The people least able to adapt are often the first to be hurt by a "
                    "change designed for the average customer."
                ),
            },
            {
                "title": "Data-privacy implications",
                "question": (
                    "Does the change collect, share or store customer data in a new way, "
                    "and does that create any new privacy risk?"
                ),
                "why_it_matters": ("New data flows are where leaks and misuse tend to start."),
            },
            {
                "title": "Transparency of the change",
                "question": (
                    "Will customers be told clearly, and in good time, what is changing, "
                    "when, and how it affects them?"
                ),
                "why_it_matters": (
                    "A change customers discover by accident feels like something was slipped "
                    "past them."
                ),
            },
            {
                "title": "Fairness of pricing",
                "question": (
                    "Is the new pricing fair and easy to understand, with no hidden charges "
                    "or confusing structures?"
                ),
                "why_it_matters": (
                    "Pricing that misleads, even by design rather than intent, breaks trust "
                    "and can break the law."
                ),
            },
            {
                "title": "Accessibility of the service",
                "question": (
                    "After the change, can every group of customers still reach and use the "
                    "service, or are some shut out?"
                ),
                "why_it_matters": (
                    "Removing a channel or adding a hurdle can cut off customers who have no "
                    "other way in."
                ),
            },
        ],
    },
]

TRIAGE_RULES = [
    {
        "ethical_risk": "high",
        "business_impact": "high",
        "rank": 1,
        "priority": "Immediately",
        "guidance": (
            "Drop other work, bring in a supervisor or compliance now, and keep the customer "
            "updated until it is resolved."
        ),
    },
    {
        "ethical_risk": "high",
        "business_impact": "low",
        "rank": 2,
        "priority": "Promptly",
        "guidance": (
            "Handle it today, ahead of routine work: a small case can still harm a customer "
            "or breach policy if it is left waiting."
        ),
    },
    {
        "ethical_risk": "low",
        "business_impact": "high",
        "rank": 3,
        "priority": "As needed",
        "guidance": (
            "Schedule it alongside normal work and give it the attention the business need "
            "calls for, checking it stays low risk."
        ),
    },
    {
        "ethical_risk": "low",
        "business_impact": "low",
        "rank": 4,
        "priority": "As time permits",
        "guidance": (
            "Queue it and deal with it when the more urgent cases are cleared; log it so it "
            "is not forgotten."
        ),
    },
]

DECISION_STEPS = [
    {
        "title": "Identify the issue",
        "prompt": "What exactly is the problem here, and which values are at stake?",
        "guidance": (
            "Put the dilemma into one or two sentences. Name the values pulling against each "
            "other, such as honesty against keeping a customer happy, or privacy against "
            "speed. If you cannot say what the conflict is, you are not ready to decide yet."
        ),
    },
    {
        "title": "Gather information",
        "prompt": "What are the facts, and which policies and regulations apply?",
        "guidance": (
            "Separate what you know from what you are assuming. Look up the relevant policy "
            "and any legal rules rather than relying on memory. Ask a colleague or supervisor "
            "if part of the picture is missing."
        ),
    },
    {
        "title": "Consider alternatives",
        "prompt": "What different courses of action are open to me?",
        "guidance": (
            "List at least three options, including ones that feel awkward and the option of "
            "escalating. Look beyond a simple yes or no; there is often a middle path within "
            "policy."
        ),
    },
    {
        "title": "Evaluate consequences",
        "prompt": (
            "What would each option mean for the customer, for the company and for anyone "
            "else affected?"
        ),
        "guidance": (
            "Take each option in turn and think through who gains, who loses and what could "
            "go wrong. Consider the longer term as well as the next five minutes. Ask how "
            "each option would look if it were made public."
        ),
    },
    {
        "title": "Make a decision",
        "prompt": "Which option best fits our ethical principles and company values?",
        "guidance": (
            "Pick the option that holds up best against the values you named in step one. "
            "Write down the choice and your reasoning in a sentence or two. If you still "
            "cannot choose, escalate rather than guess."
        ),
    },
    {
        "title": "Act and monitor",
        "prompt": "How will I carry this out, and how will I know it worked?",
        "guidance": (
            "Put the decision into practice and tell the people affected. Follow up to see "
            "how it turned out, and note anything you would do differently. Share the lesson "
            "with the team if it could help someone else."
        ),
    },
]

PROOF_PLAN_TASKS = [
    {
        "plan": "7-day",
        "title": "Review the ethics policy",
        "description": (
            "Read the company ethics policy from start to finish and mark the parts that "
            "apply to your everyday work."
        ),
        "expected_output": "A one-page summary of your obligations under the policy.",
    },
    {
        "plan": "7-day",
        "title": "Shadow a senior colleague",
        "description": (
            "Sit in on a few conversations handled by an experienced colleague. Pay attention "
            "to how they deal with awkward or sensitive moments."
        ),
        "expected_output": "Notes on what you observed and the techniques you want to copy.",
    },
    {
        "plan": "7-day",
        "title": "Self-assess with the rubric",
        "description": (
            "Score a handful of your own recent interactions against the interaction rubric, "
            "being honest about the weaker ones."
        ),
        "expected_output": "A list of specific improvements, ranked by which matters most.",
    },
    {
        "plan": "30-day",
        "title": "Complete ethics training",
        "description": (
            "Finish the ethics training course your company offers, or an approved external "
            "one, and note the points most relevant to your role."
        ),
        "expected_output": "A certificate of completion.",
    },
    {
        "plan": "30-day",
        "title": "Build a personal checklist",
        "description": (
            "Turn what you have learned into a short checklist of your own, tailored to the "
            "situations you meet most often. Use it for a couple of weeks and refine it."
        ),
        "expected_output": "A personal ethics guide you actually use on shift.",
    },
    {
        "plan": "30-day",
        "title": "Ask colleagues for feedback",
        "description": (
            "Ask two or three colleagues or your supervisor how you handle tricky ethical "
            "moments, and what you could do better."
        ),
        "expected_output": "An action list drawn from the feedback, with a date for each item.",
    },
    {
        "plan": "4-week",
        "title": "Review the code of ethics",
        "description": (
            "In week one, read the code of ethics and the compliance policies that apply to "
            "customer service, and ask about anything unclear."
        ),
        "expected_output": "Short notes on the rules that apply to your role and any open questions.",
    },
    {
        "plan": "4-week",
        "title": "Identify the risks in your role",
        "description": (
            "In week two, look back over your recent work and note the moments where an "
            "ethical slip could happen, such as data requests, discounts or pressure from "
            "customers."
        ),
        "expected_output": "A list of the main ethical risks in your day-to-day work.",
    },
    {
        "plan": "4-week",
        "title": "Build and use a checklist",
        "description": (
            "In week three, turn the risks you found into a short checklist and start using "
            "it in real conversations."
        ),
        "expected_output": "A working checklist and a note of the interactions where you used it.",
    },
    {
        "plan": "4-week",
        "title": "Track and report its effect",
        "description": (
            "In week four, look at what changed: fewer corrections, fewer complaints or "
            "smoother escalations. Share the results with your supervisor."
        ),
        "expected_output": "A brief report on the checklist's effect, with figures where you have them.",
    },
]


def load(apps, schema_editor):
    Checklist = apps.get_model("checklists", "Checklist")
    ChecklistItem = apps.get_model("checklists", "ChecklistItem")
    TriageRule = apps.get_model("checklists", "TriageRule")
    DecisionStep = apps.get_model("checklists", "DecisionStep")
    ProofPlanTask = apps.get_model("checklists", "ProofPlanTask")

    for data in CHECKLISTS:
        fields = {key: value for key, value in data.items() if key != "items"}
        checklist = Checklist.objects.create(**fields)
        for position, item in enumerate(data["items"], start=1):
            ChecklistItem.objects.create(checklist=checklist, position=position, **item)

    for rule in TRIAGE_RULES:
        TriageRule.objects.create(**rule)

    for position, step in enumerate(DECISION_STEPS, start=1):
        DecisionStep.objects.create(position=position, **step)

    positions = {}
    for task in PROOF_PLAN_TASKS:
        positions[task["plan"]] = positions.get(task["plan"], 0) + 1
        ProofPlanTask.objects.create(position=positions[task["plan"]], **task)


def unload(apps, schema_editor):
    Checklist = apps.get_model("checklists", "Checklist")
    TriageRule = apps.get_model("checklists", "TriageRule")
    DecisionStep = apps.get_model("checklists", "DecisionStep")
    ProofPlanTask = apps.get_model("checklists", "ProofPlanTask")

    # Items go with their checklist (on_delete=CASCADE).
    Checklist.objects.filter(slug__in=[c["slug"] for c in CHECKLISTS]).delete()
    for rule in TRIAGE_RULES:
        TriageRule.objects.filter(
            ethical_risk=rule["ethical_risk"], business_impact=rule["business_impact"]
        ).delete()
    DecisionStep.objects.filter(title__in=[s["title"] for s in DECISION_STEPS]).delete()
    for task in PROOF_PLAN_TASKS:
        ProofPlanTask.objects.filter(plan=task["plan"], title=task["title"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("checklists", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(load, unload),
    ]
