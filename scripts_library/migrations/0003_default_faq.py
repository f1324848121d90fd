"""Default FAQ: the questions support agents ask most about ethics, with short, practical answers.

Categories and entries are listed in display order; positions are taken from that order.
"scripts" names the slugs of published scripts (created in 0002) that fit the answer.
"""

from django.db import migrations

FAQ = [
    {
        "name": "Everyday ethics",
        "entries": [
            {
                "question": "If I remember only one thing about ethics on the job, what should it be?",
                "answer": (
                    "Protect the customer's trust, because almost every other rule exists to keep it. "
                    "Trust grows when you are open about what you can and can't do, truthful even when the "
                    "news is unwelcome, and even-handed with every customer. "
                    "A customer who trusts us stays with us and tells others, which is worth far more than "
                    "any single sale or quick fix."
                ),
            },
            {
                "question": "How do I make sure the information I give customers is correct?",
                "answer": (
                    "Check facts against the knowledge base, the current policy or the product team before "
                    "you pass them on, rather than answering from memory. "
                    "Read the release notes and policy updates as they come out, so you are not quoting last "
                    "month's rules. "
                    "When you aren't certain, say you'll confirm and come back, then do it. "
                    "If you later find you got something wrong, put it right with the customer straight away."
                ),
                "scripts": ["correcting-misleading-information"],
            },
            {
                "question": "I told a customer something that turned out to be wrong. What now?",
                "answer": (
                    "Contact them as soon as you notice, apologise plainly and give them the correct "
                    "information, along with what it means for them. "
                    "Thank them for their patience, and fix any harm the mistake caused if it is within "
                    "your power, or escalate if it isn't. "
                    "Let your lead know so the knowledge base or training can be updated and nobody else "
                    "repeats the error. "
                    "Owning a mistake quickly builds more trust than never admitting one."
                ),
                "scripts": ["correcting-misleading-information"],
            },
            {
                "question": "How do I keep customers happy without cutting ethical corners?",
                "answer": (
                    "Look for the outcome that works for the customer and for the company, and stay inside "
                    "policy and the law while you look. "
                    "Be honest early about what isn't possible, then put real alternatives on the table. "
                    "A customer who gets a straight answer and a fair option usually ends up happier than "
                    "one who gets a quick yes that falls apart later. "
                    "When the two pull in different directions, choose the answer that keeps trust intact."
                ),
            },
            {
                "question": "Where does empathy fit into doing the right thing?",
                "answer": (
                    "Empathy is how you find out what the customer actually needs and how the problem feels "
                    "from their side. "
                    "That understanding makes your decisions fairer and kinder, and it helps a tense "
                    "conversation settle down. "
                    "Empathy doesn't mean agreeing to everything: you can fully understand someone's "
                    "frustration and still tell them no. "
                    "It carries a quarter of the weight in our interaction rubric for good reason."
                ),
            },
            {
                "question": "What builds a customer's trust, day to day?",
                "answer": (
                    "Doing what you said you'd do, when you said you'd do it. "
                    "Be open about limits, fees and risks before the customer finds them out the hard way, "
                    "and own your mistakes instead of blaming another team or the system. "
                    "Trust is built slowly over many small, reliable contacts and can be lost in a single "
                    "broken promise, so avoid promising what you can't deliver."
                ),
            },
            {
                "question": "How can I stay objective when I like, or dislike, a particular customer?",
                "answer": (
                    "Base each decision on the facts of the case and the written policy, not on how the "
                    "customer makes you feel. "
                    "Notice your own leanings, such as warming to polite or high-value customers, and ask "
                    "yourself whether you would decide the same way for anyone else. "
                    "Following the standard process and asking a colleague for a second view are good checks "
                    "against favouritism."
                ),
            },
            {
                "question": "Is the customer always right?",
                "answer": (
                    "No, and acting as if they were can hurt them and us. "
                    "Customers deserve respect, a hearing and our best effort, but some requests are unfair to "
                    "other customers, against policy, or simply bad for the person asking. "
                    "A good agent knows when to say no, explains the reason honestly, and then offers "
                    "something that genuinely helps."
                ),
                "scripts": ["unethical-demand", "declining-discount-outside-policy"],
            },
            {
                "question": "What should I do when I can't tell whether something is ethical?",
                "answer": (
                    "Pause before acting and talk it through with your supervisor, an experienced colleague "
                    "or the ethics officer. "
                    "Collect the facts and check the relevant policy or regulation, then weigh what each "
                    "option would mean for the customer, the company and anyone else affected. "
                    "Write down what you decided and why, so the reasoning can be reviewed later. "
                    "Asking is never a sign of weakness; guessing is the real risk."
                ),
                "scripts": ["unsure-if-ethical"],
            },
            {
                "question": "A decision I'm asked to carry out clashes with my own sense of right and wrong. What can I do?",
                "answer": (
                    "Raise it rather than quietly going along or quietly refusing. "
                    "Talk it over with a colleague or your supervisor first, since there may be context you "
                    "don't have. "
                    "If the concern remains, take it higher, to senior management or the ethics committee, "
                    "and keep a note of what you raised and when. "
                    "Speaking up in good faith is part of the job, not disloyalty."
                ),
                "scripts": ["unsure-if-ethical"],
            },
        ],
    },
    {
        "name": "Difficult customers",
        "entries": [
            {
                "question": "A customer insists I do something I know is wrong. How do I handle it?",
                "answer": (
                    "Keep your tone steady and courteous, and tell them clearly that you can't do it because "
                    "it goes against our policy or ethical standards. "
                    "Don't lecture; just explain briefly, then move quickly to what you can do for them. "
                    "If they keep pushing, or the request is serious, bring in your supervisor."
                ),
                "scripts": ["unethical-demand"],
            },
            {
                "question": "How should I deal with a customer who is angry or turns abusive?",
                "answer": (
                    "Let them speak without interrupting, show you understand why they are upset, and "
                    "apologise for the trouble they've had. "
                    "If the language becomes abusive or threatening, tell them calmly what you will and "
                    "won't accept. "
                    "Should the abuse carry on after that warning, you may end the call or chat. "
                    "Afterwards, record what happened and report it to your supervisor."
                ),
                "scripts": ["angry-or-abusive-customer"],
            },
            {
                "question": "A customer says they were treated unfairly. What's the right response?",
                "answer": (
                    "Take the complaint seriously and tell the customer you will look into it properly. "
                    "Review the case history and compare it with how similar customers were treated, so you "
                    "are working from facts. "
                    "Explain what you found openly, and if they were treated differently without good "
                    "reason, put it right with a fair remedy. "
                    "Ignoring or brushing off the complaint is the surest way to lose the customer."
                ),
            },
            {
                "question": "A customer wants something that I think will work against them. Should I just do it?",
                "answer": (
                    "Not without making sure they understand what they're choosing. "
                    "Lay out the relevant facts, costs and likely consequences in plain words, and mention "
                    "any option that might suit them better. "
                    "Once they have the full picture, respect their decision: it is their call, and our job "
                    "is to make it an informed one."
                ),
                "scripts": ["request-against-customer-interest"],
            },
            {
                "question": "A customer offered me a gift to get special treatment. Can I accept it?",
                "answer": (
                    "No. Thank them, and decline politely. "
                    "Accepting would create a conflict of interest and make it harder to treat every "
                    "customer the same way. "
                    "Let them know you help everyone as fairly as you can, with or without a gift, and then "
                    "tell your supervisor what was offered."
                ),
                "scripts": ["gift-or-incentive-offered"],
            },
            {
                "question": "A customer threatens to leave unless they get a discount they aren't eligible for. What do I say?",
                "answer": (
                    "Show that you understand why they're asking, then be clear that this discount isn't "
                    "available to them under the current terms. "
                    "Offer whatever genuine alternative policy allows, and check with a supervisor or "
                    "compliance if you aren't sure what that is. "
                    "Pressure to make an exception is an early warning sign, so don't let it rush you into "
                    "a promise you can't keep."
                ),
                "scripts": ["declining-discount-outside-policy"],
            },
        ],
    },
    {
        "name": "Privacy and data",
        "entries": [
            {
                "question": "How do I keep customer data safe from people who shouldn't see it?",
                "answer": (
                    "Follow our security procedures every time, including when you're busy. "
                    "Use strong passwords, keep them to yourself, and lock your screen when you step away. "
                    "Be wary of unexpected links and attachments, and only look at the records you need for "
                    "the case in front of you. "
                    "If you think data may have been exposed, report it straight away."
                ),
                "scripts": ["data-breach-report"],
            },
            {
                "question": "A customer tells me their data may have been leaked. What do I do first?",
                "answer": (
                    "Take it seriously and pass it to the security team immediately, without waiting to "
                    "confirm it yourself. "
                    "Advise the customer to change their password and to keep an eye on their account for "
                    "anything unusual. "
                    "Tell them when and how they'll hear from us next, then make sure those updates happen."
                ),
                "scripts": ["data-breach-report"],
            },
            {
                "question": "As a team lead, how do I make sure we use customer data ethically?",
                "answer": (
                    "Put firm protection measures in place, such as access limited to those who need it. "
                    "Train the whole team on privacy and data ethics, not only on the tools. "
                    "Keep our practices in line with the laws that apply to us, such as GDPR and CCPA, and "
                    "ask for a privacy review whenever a service change touches personal data."
                ),
            },
            {
                "question": "Can I share company or customer information with someone outside my team?",
                "answer": (
                    "Only if they are authorised to have it and need it for their work. "
                    "Confidential company information and customers' personal details stay with the people "
                    "entitled to them, even when a request sounds friendly or urgent. "
                    "If you aren't sure whether someone is authorised, check with your supervisor before "
                    "sharing anything."
                ),
            },
        ],
    },
    {
        "name": "Reporting and integrity",
        "entries": [
            {
                "question": "I've seen a colleague do something unethical. What should I do?",
                "answer": (
                    "Tell your supervisor, the compliance officer or whoever our policy names for these "
                    "reports. "
                    "Describe what you saw as factually as you can, without guessing at motives. "
                    "Looking the other way leaves customers and the company exposed, so speaking up is part "
                    "of your responsibility."
                ),
                "scripts": ["colleague-misconduct"],
            },
            {
                "question": "Can I report a concern confidentially, and will I be protected?",
                "answer": (
                    "Yes. Reports can be made confidentially, and people who raise a concern in good faith "
                    "are protected from retaliation. "
                    "You don't need proof before you speak up; an honest, reasonable concern is enough. "
                    "If you are unsure who to go to, ask your supervisor or the ethics officer how our "
                    "reporting route works."
                ),
                "scripts": ["colleague-misconduct"],
            },
            {
                "question": "What happens if an agent behaves unethically?",
                "answer": (
                    "Depending on how serious it is, the outcome can be a warning, formal discipline or "
                    "dismissal, and some cases lead to legal penalties. "
                    "Beyond that, it damages the agent's own reputation and career and the company's good "
                    "name. "
                    "It also costs customers' trust, which in turn costs the business money."
                ),
            },
            {
                "question": "Why bother documenting customer interactions?",
                "answer": (
                    "A clear, accurate record shows what was said, what was promised and what was done. "
                    "That settles disputes quickly, lets a colleague pick up the case without starting over, "
                    "and shows we followed policy and the law. "
                    "Write notes as you go, stick to facts, and always document incidents such as abuse."
                ),
                "scripts": ["angry-or-abusive-customer"],
            },
            {
                "question": "What subtle warning signs suggest someone may have ethical blind spots?",
                "answer": (
                    "Watch for a person who often grumbles about difficult customers yet never asks what "
                    "they might have done differently. "
                    "That pattern points to weak empathy and can lead to biased decisions about who deserves "
                    "help. "
                    "It's worth checking in yourself from time to time too: self-scoring with the rubric is "
                    "an easy way to do it."
                ),
            },
            {
                "question": "What counts as a conflict of interest, and what should I do about one?",
                "answer": (
                    "It's any situation where something personal could sway how you treat a customer, such "
                    "as helping a friend or relative, or being offered a favour. "
                    "Tell your supervisor about it, and where you can, hand the case to a colleague. "
                    "Disclosing a conflict early is simple; having it discovered later is not."
                ),
                "scripts": ["gift-or-incentive-offered"],
            },
        ],
    },
    {
        "name": "Team and culture",
        "entries": [
            {
                "question": "How can I encourage ethical service across my team?",
                "answer": (
                    "Show it in your own conversations first, because people copy what they see more than "
                    "what they're told. "
                    "Share good examples and run regular training on our values. "
                    "Make it easy and safe to raise concerns, and notice and praise people when they handle "
                    "a tricky case with integrity."
                ),
            },
            {
                "question": "Why does company culture matter so much for ethics?",
                "answer": (
                    "Culture decides what people do when no one is checking. "
                    "A healthy one gives clear guidelines, welcomes honest conversation and holds everyone "
                    "accountable for their choices, whatever their role. "
                    "It sets the standard from the top down, so individual agents aren't left to work out "
                    "the right thing alone."
                ),
            },
            {
                "question": "What can I do, in any role, to make our workplace more ethical?",
                "answer": (
                    "Model the behaviour you want to see, and talk openly about the hard cases rather than "
                    "hiding them. "
                    "Encourage colleagues to use the decision framework and checklists when a situation is "
                    "unclear. "
                    "Speak up for ethics and compliance in meetings, and support anyone who raises a concern."
                ),
            },
            {
                "question": "Which ethical dilemmas come up most often in customer service?",
                "answer": (
                    "The usual ones are requests that break policy, questions about customer data and "
                    "privacy, and keeping service fair for everyone. "
                    "Gifts, pressure to make exceptions and abusive contacts also appear regularly. "
                    "Clear guidelines, ready-made scripts and a supervisor you can reach quickly make all of "
                    "them much easier to handle."
                ),
            },
            {
                "question": "I'm new to the team. How do I get up to speed on our ethical standards quickly?",
                "answer": (
                    "Start by reading the ethics policy and writing a short summary of what it asks of you. "
                    "Shadow a senior colleague for a few shifts, then score a few of your own interactions "
                    "with the rubric and list what to improve. "
                    "Within your first month, complete the ethics training and build a personal checklist "
                    "that fits your role."
                ),
            },
        ],
    },
    {
        "name": "Policy and rules",
        "entries": [
            {
                "question": "How often should I read through our ethics policy?",
                "answer": (
                    "Once a year at the very least. "
                    "Go back to it sooner when regulations change or the company changes the way it works. "
                    "Between reviews, keep learning from training, colleagues and news about good practice "
                    "in our field."
                ),
            },
            {
                "question": "Is bending the rules for a customer ever acceptable?",
                "answer": (
                    "Almost never. "
                    "An exception for one person is unfair to everyone who was told no, and it teaches "
                    "customers that pushing works. "
                    "Explain the policy kindly, then put your creativity into finding an option that fits "
                    "inside it. "
                    "If the rule itself seems wrong, raise that with your lead rather than quietly "
                    "working around it."
                ),
                "scripts": ["declining-discount-outside-policy", "unethical-demand"],
            },
            {
                "question": "How do I keep up with changing laws and compliance rules?",
                "answer": (
                    "Take part in the training the company offers and read policy updates as they arrive. "
                    "Industry events, newsletters and professional publications help you spot changes early. "
                    "If a change affects how you work, check the details with compliance rather than "
                    "relying on a summary."
                ),
            },
            {
                "question": "What if a policy itself seems unfair to some customers?",
                "answer": (
                    "Apply the current policy consistently, and raise your concern with your lead or the "
                    "policy owner. "
                    "Give concrete examples of who is affected and how, especially vulnerable customers or "
                    "anyone who struggles to access the service. "
                    "Policies are meant to be reviewed, and front-line feedback is one of the best ways to "
                    "improve them."
                ),
            },
            {
                "question": "What should we check before a new service policy or change goes live?",
                "answer": (
                    "Run it through the policy checklist and the service-change review. "
                    "Ask whether the terms are clear, whether access and pricing are fair, how personal data "
                    "is affected, and whether vulnerable customers or accessibility could suffer. "
                    "Make sure it complies with the law and that there is a fair fix ready if we get "
                    "something wrong."
                ),
            },
        ],
    },
]


def load(apps, schema_editor):
    FaqCategory = apps.get_model("scripts_library", "FaqCategory")
    FaqEntry = apps.get_model("scripts_library", "FaqEntry")
    Script = apps.get_model("scripts_library", "Script")

    wanted = {slug for cat in FAQ for entry in cat["entries"] for slug in entry.get("scripts", [])}
    scripts = {s.slug: s for s in Script.objects.filter(slug__in=wanted)}

    for cat_position, cat in enumerate(FAQ, start=1):
        category, _ = FaqCategory.objects.update_or_create(
            name=cat["name"], defaults={"position": cat_position}
        )
        for position, item in enumerate(cat["entries"], start=1):
            entry = FaqEntry.objects.create(
                category=category,
                question=item["question"],
                answer=item["answer"],
                position=position,
            )
            related = [scripts[slug] for slug in item.get("scripts", []) if slug in scripts]
            if related:
                entry.related_scripts.set(related)


def unload(apps, schema_editor):
    FaqCategory = apps.get_model("scripts_library", "FaqCategory")
    FaqEntry = apps.get_model("scripts_library", "FaqEntry")

    for cat in FAQ:
        questions = [item["question"] for item in cat["entries"]]
        FaqEntry.objects.filter(category__name=cat["name"], question__in=questions).delete()
    # Keep a category if someone has since added entries of their own to it.
    FaqCategory.objects.filter(name__in=[cat["name"] for cat in FAQ], entries__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("scripts_library", "0002_default_library"),
    ]

    operations = [
        migrations.RunPython(load, unload),
    ]
