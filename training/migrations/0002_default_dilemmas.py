"""Default content: 28 practice dilemmas in our own words, and three modules built from them.

Each response is best, acceptable or harmful, with a sentence or two on why. Links point at the
library and checklists by their stable names (script slug, FAQ question opening, phrase and
decision-step position, mistake title, checklist slug and item position).
"""

from django.db import migrations
from django.utils import timezone

B, A, H = "best", "acceptable", "harmful"

DILEMMAS = [
    {
        "slug": "loyal-customer-wants-off-policy-discount",
        "title": "A loyal customer wants a discount they do not qualify for",
        "channel": "phone",
        "situation": (
            'A customer of eight years says a rival has quoted them 30% less. "Match it or I '
            'cancel today. After all this time you can surely make an exception."'
        ),
        "what_you_know": (
            "The retention offer you may give is 10% for twelve months. Larger discounts need "
            "a pricing team decision, which takes two working days."
        ),
        "criteria": ["fairness", "transparency", "empathy"],
        "scripts": ["declining-discount-outside-policy"],
        "faq": ["A customer threatens to leave"],
        "phrases": [2],
        "items": ["interaction-ethics:3", "policy-and-complex-requests:2"],
        "steps": [3],
        "options": [
            (
                H,
                "Give the 30% quietly and note it as a billing correction so nobody asks.",
                "It hides a pricing decision you may not make and is unfair to every customer who "
                "paid the normal price. Mislabelling it also makes our records untrue.",
            ),
            (
                B,
                "Thank them for staying so long, explain that 30% is beyond what you can agree, "
                "offer the 10% retention price now and offer to pass the quote to the pricing team.",
                "You stay honest about the limit, give what you truthfully can today and open the "
                "proper route for more. The customer can decide with all the facts.",
            ),
            (
                A,
                "Tell them the discount is not possible and ask whether they still want to cancel.",
                "Truthful and within policy, but it skips the alternatives you do have, so a "
                "loyal customer may leave when a fair offer was on the table.",
            ),
        ],
    },
    {
        "slug": "keep-it-between-us-discount",
        "title": '"The last agent did it, keep it between us"',
        "channel": "chat",
        "situation": (
            'In chat a customer writes: "Last month your colleague waived my late fee and said '
            'not to mention it. Do the same again, nobody needs to know."'
        ),
        "what_you_know": (
            "The account shows no waiver last month. Late fees can be waived once a year, with a "
            "note on the account."
        ),
        "criteria": ["fairness", "transparency"],
        "scripts": ["declining-discount-outside-policy"],
        "faq": ["Is bending the rules"],
        "phrases": [2],
        "mistakes": ["Holding back information"],
        "items": ["interaction-ethics:9", "policy-and-complex-requests:10"],
        "steps": [2],
        "options": [
            (
                A,
                "Waive the fee with the usual note, without commenting on what they say happened before.",
                "The waiver is allowed here, so this is within policy, but it leaves the idea that "
                "secret favours exist unchallenged.",
            ),
            (
                H,
                "Waive it and leave no note, as asked.",
                "A change with no record is exactly the secrecy that lets rules bend unevenly. It "
                "also leaves the next agent blind.",
            ),
            (
                B,
                "Explain that every waiver is recorded on the account, then apply the once-a-year "
                "waiver openly with a note, and say what the rule is for next time.",
                "The customer gets what policy allows, in the open, and learns the real rule. "
                "Nothing depends on who picks up the chat.",
            ),
        ],
    },
    {
        "slug": "caller-asks-for-partners-account-details",
        "title": "A caller asks about their partner's account",
        "channel": "phone",
        "situation": (
            'A caller says: "My wife is at work, I just need to know what she was charged this '
            'month and the card on file. I pay the bills anyway."'
        ),
        "what_you_know": (
            "The caller is not named on the account and cannot pass security. The account holder "
            "has not given anyone permission to discuss it."
        ),
        "criteria": ["respect", "transparency"],
        "faq": ["How do I keep customer data safe"],
        "phrases": [4],
        "items": ["interaction-ethics:1", "interaction-ethics:6"],
        "steps": [1],
        "options": [
            (
                H,
                "Read out the charges but not the card number, since he is family.",
                "Billing details are personal data. Being family does not make someone authorised, "
                "and disclosures like this can put people at real risk.",
            ),
            (
                B,
                "Explain politely that you can only discuss the account with the holder or someone "
                "she has authorised, and say how she can add him or call herself.",
                "You protect the account holder and still give the caller a clear, workable next "
                "step without hinting at what is on the account.",
            ),
            (
                A,
                "Say you cannot help and end the call.",
                "The data stays safe, but the caller leaves with no idea how to get help properly, "
                "which invites a second attempt.",
            ),
            (
                H,
                "Confirm only whether there was a charge this month, as a compromise.",
                "Even a yes or no about activity discloses information about someone who has not "
                "agreed to it.",
            ),
        ],
    },
    {
        "slug": "email-from-law-firm-wants-an-address",
        "title": 'An e-mail from a "law firm" wants a customer\'s address',
        "channel": "email",
        "situation": (
            "An e-mail on letterhead says a firm is serving papers on one of our customers and "
            'asks for their current home address "urgently, to avoid court costs".'
        ),
        "what_you_know": (
            "Requests from third parties for personal data go to the privacy team, who check the "
            "legal basis. Agents do not release data to outside parties."
        ),
        "criteria": ["transparency", "accuracy"],
        "faq": ["Can I share company or customer information"],
        "phrases": [4],
        "items": ["interaction-ethics:6", "interaction-ethics:9", "policy-and-complex-requests:3"],
        "steps": [2, 3],
        "options": [
            (
                B,
                "Reply that you cannot share customer information and forward the request to the "
                "privacy team, who handle such requests.",
                "Urgency and letterhead are not proof of a legal right. The privacy team can check "
                "the basis, and the customer is protected meanwhile.",
            ),
            (
                H,
                "Send the address: a legal matter sounds important and refusing could cause trouble.",
                "Pretexting often looks exactly like this. Handing over an address could expose "
                "someone to harassment and breaks data protection law.",
            ),
            (
                A,
                "Ignore the e-mail.",
                "Nothing is disclosed, but a real legal request may go unanswered and nobody who "
                "should know about it does.",
            ),
        ],
    },
    {
        "slug": "customer-reports-possible-breach",
        "title": "A customer thinks their data has leaked",
        "channel": "chat",
        "situation": (
            "A customer writes that orders they never placed have appeared on their account and "
            "that a stranger e-mailed them quoting their order history."
        ),
        "what_you_know": (
            "Suspected breaches go to the security team at once through the incident form. You "
            "cannot see whether other accounts are affected."
        ),
        "criteria": ["empathy", "transparency", "accuracy"],
        "scripts": ["data-breach-report"],
        "faq": ["A customer tells me their data may have been leaked"],
        "phrases": [4],
        "mistakes": ["Promising what you can't deliver"],
        "items": ["interaction-ethics:1", "interaction-ethics:10"],
        "steps": [1],
        "options": [
            (
                A,
                "Cancel the unknown orders and suggest they change their password.",
                "Helpful first aid, but security never hears about it, so a wider breach could go "
                "unnoticed and the customer gets no follow-up.",
            ),
            (
                H,
                "Reassure them that our systems are secure and it must have come from their side.",
                "You do not know that. Brushing off a possible breach blames the customer and delays "
                "the investigation that might protect others.",
            ),
            (
                B,
                "Thank them for telling you, report it to security at once, help them change their "
                "password and watch the account, and say when they will next hear from us.",
                "The customer is taken seriously, the right team acts quickly, and the promise you "
                "make is one you can keep.",
            ),
            (
                H,
                "Promise them the leak will be fixed today and that no data was taken.",
                "Neither is yours to promise. A reassurance that proves false does more damage "
                "than honest uncertainty.",
            ),
        ],
    },
    {
        "slug": "invoice-sent-to-wrong-customer",
        "title": "You sent an invoice to the wrong customer",
        "channel": "email",
        "situation": (
            "A customer replies to your e-mail: \"This invoice isn't mine. It has someone else's "
            'name, address and order on it."'
        ),
        "what_you_know": (
            "You attached the wrong file. Any personal data sent to the wrong person must be "
            "reported to the privacy team the same day."
        ),
        "criteria": ["transparency", "accuracy"],
        "scripts": ["data-breach-report"],
        "faq": ["I told a customer something that turned out to be wrong"],
        "mistakes": ["Pointing the finger at others"],
        "items": ["interaction-ethics:1", "interaction-ethics:10", "policy-and-complex-requests:7"],
        "steps": [1, 6],
        "options": [
            (
                B,
                "Apologise, ask them to delete it, send the right invoice, and report the mistake "
                "to the privacy team today.",
                "Owning the slip quickly limits the harm, and reporting it lets the privacy team "
                "decide whether the other customer must be told.",
            ),
            (
                H,
                "Send the right invoice and say nothing more, since it was a one-off.",
                "Someone's personal data went astray. Keeping quiet hides an incident the company "
                "may be legally required to handle.",
            ),
            (
                A,
                "Ask them to delete it and apologise, then mention it to your supervisor at the "
                "end of the week.",
                "The right instinct, but the delay matters: reporting deadlines can be short and "
                "the other customer may need to know soon.",
            ),
        ],
    },
    {
        "slug": "colleague-gave-wrong-refund-time",
        "title": "A colleague gave the wrong refund time",
        "channel": "phone",
        "situation": (
            "A customer calls, annoyed: \"Your colleague promised my refund in three days. It's "
            'been a week. Where is it?"'
        ),
        "what_you_know": (
            "Refunds to cards take up to fourteen days. The earlier call notes say three days, "
            "which was wrong."
        ),
        "criteria": ["accuracy", "transparency", "empathy"],
        "scripts": ["correcting-misleading-information"],
        "faq": ["How do I make sure the information"],
        "mistakes": ["Pointing the finger at others", "Not following up"],
        "items": ["interaction-ethics:4", "policy-and-complex-requests:7"],
        "steps": [6],
        "options": [
            (
                H,
                "Tell them the other agent is new and gets things wrong, and that it isn't your fault.",
                "Blaming a colleague does not fix anything for the customer and makes the whole "
                "company look careless.",
            ),
            (
                A,
                "Tell them refunds take up to fourteen days and that the refund is on its way.",
                "Accurate, but it does not acknowledge that we told them something different, so "
                "it feels like the goalposts moved.",
            ),
            (
                B,
                "Apologise that they were told three days, give the correct timeline with the date "
                "to expect it, and let your supervisor know so the wrong figure is corrected.",
                "You own the error for the company, give facts the customer can plan on, and help "
                "stop the same mistake reaching someone else.",
            ),
        ],
    },
    {
        "slug": "you-quoted-the-wrong-fee",
        "title": "You realise you quoted the wrong fee yesterday",
        "channel": "email",
        "situation": (
            "Checking your notes, you see that yesterday you told a customer that moving their "
            "contract costs nothing. They have not acted on it yet."
        ),
        "what_you_know": "Moving a contract costs a fixed fee, shown on the price list.",
        "criteria": ["accuracy", "transparency"],
        "scripts": ["correcting-misleading-information"],
        "faq": ["I told a customer something that turned out to be wrong"],
        "mistakes": ["Holding back information"],
        "items": ["interaction-ethics:4", "interaction-ethics:2"],
        "steps": [5],
        "options": [
            (
                B,
                "Contact them now, apologise, give the correct fee and ask whether they still "
                "want to go ahead.",
                "Correcting before they rely on the wrong figure prevents a nasty surprise and shows "
                "that our word can be trusted.",
            ),
            (
                H,
                "Say nothing and hope they do not notice the fee on the bill.",
                "They would be charged something they were told was free. Silence turns an honest "
                "slip into a deception.",
            ),
            (
                A,
                "Wait until they call about the move and correct it then.",
                "You do intend to correct it, but they may plan around the wrong figure meanwhile.",
            ),
        ],
    },
    {
        "slug": "downgrade-that-drops-needed-cover",
        "title": "A downgrade would drop cover the customer relies on",
        "channel": "phone",
        "situation": (
            'A customer wants the cheapest plan "right now, no questions". From earlier calls '
            "you know they travel abroad every month for work."
        ),
        "what_you_know": (
            "The cheapest plan has no roaming. On it, a month of their usual travel would cost "
            "more than the saving."
        ),
        "criteria": ["transparency", "empathy", "respect"],
        "scripts": ["request-against-customer-interest"],
        "faq": ["A customer wants something that I think will work against them"],
        "phrases": [5],
        "mistakes": ["Holding back information"],
        "items": ["interaction-ethics:2"],
        "steps": [4],
        "options": [
            (
                H,
                "Refuse the downgrade because it is bad for them.",
                "It is their decision to make. Refusing is paternalistic and disrespects their "
                "right to choose.",
            ),
            (
                B,
                "Before switching, mention that the plan has no roaming and what their usual "
                "travel would cost on it, then do whatever they decide.",
                "They get the facts that matter to their choice and keep the choice. That is what "
                "informed consent looks like.",
            ),
            (
                A,
                "Switch them straight away as asked.",
                "You respected their request, but you knew something that would likely change their "
                "mind and did not say it.",
            ),
        ],
    },
    {
        "slug": "confused-older-caller-and-premium-package",
        "title": "A confused older caller asks for the premium package",
        "channel": "phone",
        "situation": (
            'An elderly caller says their grandson told them to "get the best package". They ask '
            "twice what broadband is and mention that money is tight this month."
        ),
        "what_you_know": (
            "The premium package costs three times the basic one. Their current use is light. "
            "Sales of premium count towards the team target."
        ),
        "criteria": ["empathy", "fairness", "respect"],
        "scripts": ["request-against-customer-interest"],
        "faq": ["Where does empathy fit"],
        "phrases": [5],
        "mistakes": ["Hiding behind jargon"],
        "items": ["interaction-ethics:3", "interaction-ethics:7"],
        "steps": [4],
        "options": [
            (
                H,
                "Sell the premium package: they asked for it, and it helps the target.",
                "Signs of confusion and money worries mean extra care is due. Selling something "
                "they may not understand or afford exploits their situation.",
            ),
            (
                A,
                "Suggest they call back with their grandson.",
                "Kind in intent, but it delays them and assumes they cannot decide for themselves "
                "if things are explained well.",
            ),
            (
                B,
                "Slow down, explain the packages in plain words and what each would cost them, "
                "say which fits their use, offer to note that someone may help them, and let them choose.",
                "Plain explanations and an honest fit let a vulnerable customer decide well, without "
                "taking the decision away from them.",
            ),
        ],
    },
    {
        "slug": "big-account-wants-late-return",
        "title": "A big account wants a return past the deadline",
        "channel": "email",
        "situation": (
            "A business customer who spends a lot with us asks to return goods 45 days after "
            'delivery. "You know how much we buy from you."'
        ),
        "what_you_know": (
            "The return window is 30 days for every customer. Exceptions need a documented reason "
            "(a fault, our error) and supervisor approval."
        ),
        "criteria": ["fairness", "transparency"],
        "scripts": ["declining-discount-outside-policy"],
        "faq": ["Is bending the rules", "How can I stay objective"],
        "phrases": [1, 2],
        "items": ["interaction-ethics:3", "interaction-ethics:8", "policy-and-complex-requests:9"],
        "steps": [3, 4],
        "options": [
            (
                A,
                "Decline, citing the 30-day rule.",
                "Fair and consistent, but it does not check whether there is a valid reason for "
                "an exception, such as a fault.",
            ),
            (
                B,
                "Ask what is wrong with the goods; if there is a fault or error on our side, seek "
                "an exception through your supervisor; if not, decline kindly and offer what policy allows.",
                "Exceptions follow reasons, not spending. Every customer gets the same chance of "
                "one, which keeps the rule fair.",
            ),
            (
                H,
                "Accept the return: losing a big customer would cost more than the goods.",
                "Granting exceptions by account size treats smaller customers worse for the same "
                "situation, which is the unfairness the rule is there to prevent.",
            ),
        ],
    },
    {
        "slug": "gift-card-for-faster-service",
        "title": "A gift card in return for priority",
        "channel": "email",
        "situation": (
            'After you sorted out a tricky order, a customer sends a gift card: "Thanks! And if '
            "you could put my tickets first in future, there's more where that came from.\""
        ),
        "what_you_know": (
            "Gifts that come with a request for special treatment must be declined and reported "
            "to your supervisor."
        ),
        "criteria": ["fairness", "transparency"],
        "scripts": ["gift-or-incentive-offered"],
        "faq": ["A customer offered me a gift", "What counts as a conflict of interest"],
        "items": ["interaction-ethics:5", "interaction-ethics:10"],
        "steps": [1],
        "options": [
            (
                B,
                "Thank them warmly, decline the card, explain that every customer is served in the "
                "same order, and tell your supervisor.",
                "Gratitude is welcome; a trade for priority is not. Declining openly and reporting "
                "protects you and every other customer in the queue.",
            ),
            (
                H,
                "Keep the card but ignore the request for priority.",
                "Accepting a gift offered for favours creates an obligation, or the look of one, "
                "whatever you do next.",
            ),
            (
                A,
                "Decline the card politely without mentioning it to anyone.",
                "Right call on the gift, but a customer trying to buy priority may try your "
                "colleagues next, and your supervisor should know.",
            ),
        ],
    },
    {
        "slug": "relatives-ticket-in-your-queue",
        "title": "Your cousin's complaint lands in your queue",
        "channel": "chat",
        "situation": (
            "A chat arrives from your cousin about a refund: \"Great, it's you! You can sort it "
            'quickly for me, right?"'
        ),
        "what_you_know": (
            "Cases involving family or friends must be passed to a colleague. Refunds of this kind "
            "are normally reviewed within five days."
        ),
        "criteria": ["fairness", "transparency"],
        "faq": ["What counts as a conflict of interest"],
        "items": ["interaction-ethics:5", "interaction-ethics:8"],
        "steps": [1],
        "options": [
            (
                H,
                "Approve the refund now; it would be approved anyway.",
                "Even if it would be, deciding a relative's case yourself is a conflict of interest "
                "and skips the review others wait for.",
            ),
            (
                B,
                "Say you are not allowed to handle a relative's case and hand it to a colleague "
                "with a note, so it is dealt with in the usual way.",
                "Stepping aside keeps the decision objective and protects you from any suggestion "
                "of favouritism.",
            ),
            (
                A,
                "Handle it yourself but strictly by the book, with a note that you know them.",
                "Transparent, which helps, but the rule exists because it is hard to be neutral about "
                "family; passing it on is safer.",
            ),
        ],
    },
    {
        "slug": "upsell-target-versus-cancellation",
        "title": "An upsell target and a customer who cannot afford it",
        "channel": "phone",
        "situation": (
            "A customer calls to cancel their subscription because they have lost their job. "
            "Your supervisor said this morning that everyone should push the new add-on on every call."
        ),
        "what_you_know": (
            "There is a payment holiday of up to three months for customers in hardship. The "
            "add-on costs extra each month."
        ),
        "criteria": ["empathy", "fairness", "transparency"],
        "faq": ["How do I keep customers happy without cutting"],
        "phrases": [1],
        "items": ["interaction-ethics:3", "interaction-ethics:2"],
        "steps": [4, 5],
        "options": [
            (
                H,
                "Pitch the add-on as a way to get more value before they go.",
                "Selling extras to someone who has just said they cannot pay puts the target before "
                "the person, and erodes trust in everything we say.",
            ),
            (
                A,
                "Process the cancellation quickly and kindly.",
                "Respectful, but the payment holiday might have served them better and they never "
                "heard of it.",
            ),
            (
                B,
                "Acknowledge their situation, mention the payment holiday as an option, and cancel "
                "if that is still what they want; skip the add-on.",
                "You offer what genuinely helps a customer in hardship and leave sales for when they "
                "fit. Targets never justify selling what someone cannot afford.",
            ),
        ],
    },
    {
        "slug": "caller-turns-abusive",
        "title": "A caller turns abusive",
        "channel": "phone",
        "situation": (
            "A caller whose delivery is late starts swearing at you and calling you useless and "
            "stupid, louder each time you try to speak."
        ),
        "what_you_know": (
            "You may end a call after one clear warning if abuse continues. Abusive calls are "
            "logged and reported to your supervisor."
        ),
        "criteria": ["respect", "empathy"],
        "scripts": ["angry-or-abusive-customer"],
        "faq": ["How should I deal with a customer who is angry"],
        "mistakes": ["Getting defensive or arguing"],
        "items": ["interaction-ethics:7", "interaction-ethics:10"],
        "steps": [5],
        "options": [
            (
                H,
                "Tell them they are being ridiculous and hang up.",
                "Answering insults with insults escalates things and gives them a real complaint "
                "about you, while the delivery problem stays unsolved.",
            ),
            (
                A,
                "Put them on hold until they calm down.",
                "It buys time, but it does not set a boundary and can make an angry caller angrier.",
            ),
            (
                B,
                "Say you want to help with the delivery, that you will not continue if the insults "
                "go on, and end the call if they do; then log and report it.",
                "You keep the door open to help, protect yourself with a clear boundary, and leave a "
                "record so the team can follow up.",
            ),
        ],
    },
    {
        "slug": "threat-to-name-you-online",
        "title": "A customer threatens to post your name online",
        "channel": "social",
        "situation": (
            "On a public social post a customer writes that unless they get a full refund today "
            'they will "post the name of the agent who refused me everywhere".'
        ),
        "what_you_know": (
            "The refund is not due: the item was used beyond the trial. Threats against staff go "
            "to your supervisor; the social team answers public posts."
        ),
        "criteria": ["respect", "fairness"],
        "scripts": ["angry-or-abusive-customer", "unethical-demand"],
        "faq": ["How should I deal with a customer who is angry", "Why bother documenting"],
        "phrases": [1],
        "mistakes": ["Getting defensive or arguing"],
        "items": ["interaction-ethics:7", "interaction-ethics:10"],
        "steps": [2],
        "options": [
            (
                B,
                "Do not argue publicly; pass it to the social team and your supervisor with the "
                "facts, and offer the customer a private channel to discuss what policy allows.",
                "Threats do not change what is fair, and the right people handle the public side. "
                "You stay safe and the customer still has a route to a fair answer.",
            ),
            (
                H,
                "Give the refund so the post goes away.",
                "Giving in to threats rewards them and is unfair to customers who ask politely.",
            ),
            (
                H,
                "Reply publicly that the customer broke the terms and is lying.",
                "A public argument makes things worse for everyone and may disclose details of their "
                "account in public.",
            ),
        ],
    },
    {
        "slug": "told-to-blame-the-supplier",
        "title": "You are told to blame a supplier for our own delay",
        "channel": "email",
        "situation": (
            'A team message says: "For the delayed orders this week, tell customers the supplier '
            'let us down." You know the delay is a warehouse scheduling error of ours.'
        ),
        "what_you_know": (
            "Customers are asking why their orders are late. Concerns can be raised with your "
            "supervisor or confidentially through the concerns page."
        ),
        "criteria": ["transparency", "accuracy"],
        "faq": [
            "A decision I'm asked to carry out clashes",
            "Can I report a concern confidentially",
        ],
        "mistakes": ["Pointing the finger at others"],
        "items": ["interaction-ethics:4", "policy-and-complex-requests:10"],
        "steps": [2, 3],
        "options": [
            (
                A,
                "Avoid giving any reason to customers, just the new date.",
                "You avoid saying something false, but the instruction stands and colleagues keep "
                "using it.",
            ),
            (
                B,
                "Raise your concern with your supervisor (or confidentially if you prefer) and, "
                "meanwhile, tell customers honestly that the delay is on our side, with the new date.",
                "You do not repeat something untrue, and you use the proper route to challenge an "
                "instruction that clashes with honesty.",
            ),
            (
                H,
                "Follow the instruction: it is not your decision.",
                "Passing on a false reason is still telling customers something untrue, and blaming "
                "a partner damages trust if it comes out.",
            ),
        ],
    },
    {
        "slug": "wedding-delivery-by-friday",
        "title": "A wedding outfit needed by Friday",
        "channel": "chat",
        "situation": (
            'A customer writes: "My wedding is on Saturday. Please promise me the suit arrives '
            "by Friday, otherwise I'll order elsewhere now.\""
        ),
        "what_you_know": (
            "The tracking shows it in transit, estimated Friday to Monday. Express re-dispatch of "
            "a replacement is possible and guaranteed for Thursday."
        ),
        "criteria": ["accuracy", "transparency", "empathy"],
        "faq": ["What builds a customer's trust"],
        "phrases": [5],
        "mistakes": ["Promising what you can't deliver"],
        "items": ["interaction-ethics:4", "interaction-ethics:2"],
        "steps": [3],
        "options": [
            (
                H,
                "Promise it will arrive Friday so they do not cancel.",
                "You cannot guarantee that. If it arrives on Monday, the broken promise costs far "
                "more than the order.",
            ),
            (
                B,
                "Say honestly that the current estimate is Friday to Monday, and offer the "
                "guaranteed express replacement for Thursday.",
                "The customer gets the truth and a way to be sure, so they can choose what fits an "
                "important day.",
            ),
            (
                A,
                "Give the Friday to Monday estimate and leave the choice to them.",
                "Honest, but it leaves out the express option that would actually solve their problem.",
            ),
        ],
    },
    {
        "slug": "colleague-sharing-customer-details",
        "title": "A colleague jokes about a customer's details",
        "channel": "in_person",
        "situation": (
            "At lunch a colleague shows friends from another company a screenshot of a customer's "
            "order history, laughing at what they bought."
        ),
        "what_you_know": (
            "Customer data must not leave the systems or be shown to outsiders. Concerns can be "
            "reported to a supervisor or confidentially, and good-faith reporters are protected."
        ),
        "criteria": ["respect", "transparency"],
        "scripts": ["colleague-misconduct"],
        "faq": [
            "I've seen a colleague do something unethical",
            "Can I report a concern confidentially",
        ],
        "items": ["interaction-ethics:6", "interaction-ethics:10"],
        "steps": [1, 5],
        "options": [
            (
                B,
                "Tell your colleague it is not OK, and report what you saw through a supervisor or "
                "the confidential concern route.",
                "Customer data was shown to outsiders; reporting lets the company deal with it "
                "properly, and you are protected for doing so in good faith.",
            ),
            (
                A,
                "Tell your colleague privately to delete the screenshot and leave it there.",
                "It may stop this instance, but the exposure has already happened and nobody who "
                "must handle it knows.",
            ),
            (
                H,
                "Laugh along: it is harmless fun between friends.",
                "It is a real breach of a customer's privacy and joining in makes it normal.",
            ),
        ],
    },
    {
        "slug": "limited-time-offer-that-never-ends",
        "title": 'A "limited time" offer that is always on',
        "channel": "phone",
        "situation": (
            'The new sales script says to tell callers the bundle price is "only available this '
            'week". You have seen the same price offered every week for months.'
        ),
        "what_you_know": (
            "You are not sure whether marketing plans to end it. When unsure, ask a supervisor "
            "and note how you decided."
        ),
        "criteria": ["transparency", "accuracy"],
        "scripts": ["unsure-if-ethical"],
        "faq": ["What should I do when I can't tell"],
        "mistakes": ["Holding back information"],
        "items": ["interaction-ethics:4", "policy-and-complex-requests:1"],
        "steps": [2, 4],
        "options": [
            (
                H,
                "Use the line as written: it is the official script.",
                "If the deadline is not real, customers are pressured by a false claim, whoever "
                "wrote it.",
            ),
            (
                A,
                "Leave out the deadline from your calls without telling anyone.",
                "You avoid the possible falsehood yourself, but the doubt about the script is never "
                "resolved for the team.",
            ),
            (
                B,
                "Ask your supervisor whether the deadline is real, note their answer, and until "
                "then describe the price without a deadline.",
                "When unsure, you check and record your reasoning, and meanwhile avoid a claim you "
                "cannot stand behind.",
            ),
        ],
    },
    {
        "slug": "backdate-the-cancellation",
        "title": '"Just backdate my cancellation"',
        "channel": "phone",
        "situation": (
            'A customer says they meant to cancel last month and forgot. "Change the date in '
            "your system to the 1st so I don't pay for this month. Who would know?\""
        ),
        "what_you_know": (
            "Cancellations take effect on the day they are made. A goodwill credit of up to half "
            "a month may be offered once."
        ),
        "criteria": ["fairness", "transparency", "empathy"],
        "scripts": ["unethical-demand"],
        "faq": ["A customer insists I do something I know is wrong"],
        "phrases": [2],
        "items": ["interaction-ethics:9", "policy-and-complex-requests:10"],
        "steps": [3],
        "options": [
            (
                B,
                "Stay friendly, explain that you cannot change the record's date, cancel from "
                "today and offer the one-time goodwill credit.",
                "You refuse to falsify a record, yet still offer a real, permitted gesture that "
                "takes the sting out.",
            ),
            (
                H,
                "Backdate it: it is only one month and they are clearly honest.",
                "Altering records to change a charge is falsification, whatever the amount or the "
                "customer's sincerity.",
            ),
            (
                A,
                "Refuse and cancel from today.",
                "Correct on the record, but a permitted gesture that might have kept their goodwill "
                "was left unoffered.",
            ),
        ],
    },
    {
        "slug": "known-fault-not-yet-announced",
        "title": "A known fault not yet announced",
        "channel": "chat",
        "situation": (
            "A customer asks whether the battery problems people mention online affect the model "
            "they are about to buy."
        ),
        "what_you_know": (
            "An internal notice confirms a fault in some units of that model and says a public "
            "statement and free replacements are coming. It asks agents not to speculate on details."
        ),
        "criteria": ["transparency", "accuracy"],
        "faq": ["What builds a customer's trust", "How do I make sure the information"],
        "phrases": [5],
        "mistakes": ["Holding back information"],
        "items": ["interaction-ethics:2", "interaction-ethics:4"],
        "steps": [2, 4],
        "options": [
            (
                H,
                "Say you are not aware of any problem.",
                "That is untrue, and the customer would buy relying on it. Hiding known problems is "
                "one of the fastest ways to lose trust.",
            ),
            (
                B,
                "Say honestly that some units are affected and that replacements and a statement "
                "are being prepared, suggest they wait or check with us before buying, and avoid guessing details.",
                "You share what is confirmed without speculating, so the customer can decide with "
                "the facts that matter.",
            ),
            (
                A,
                "Say you cannot comment and suggest they watch our website.",
                "Not false, but it withholds something you know that bears directly on their purchase.",
            ),
        ],
    },
    {
        "slug": "complaint-of-unfair-treatment",
        "title": '"My neighbour got it and I didn\'t"',
        "channel": "email",
        "situation": (
            "A customer complains that their neighbour received a free engineer visit for the "
            'same fault, while they were charged. "Is it because of where I\'m from?"'
        ),
        "what_you_know": (
            "The record shows their visit was charged because it was booked outside the warranty. "
            "You cannot see the neighbour's account and would not discuss it."
        ),
        "criteria": ["fairness", "empathy", "transparency"],
        "faq": ["A customer says they were treated unfairly"],
        "phrases": [1],
        "mistakes": ["Brushing off complaints", "Getting defensive or arguing"],
        "items": ["interaction-ethics:3", "policy-and-complex-requests:2"],
        "steps": [2],
        "options": [
            (
                A,
                "Explain the warranty rule and close the complaint.",
                "Accurate, but the concern about discrimination deserves to be heard and checked, "
                "not only answered with a rule.",
            ),
            (
                H,
                "Reply that decisions are never biased and the complaint has no basis.",
                "Dismissing a fairness complaint without looking into it is exactly how real bias "
                "goes unnoticed.",
            ),
            (
                B,
                "Take the concern seriously: check their case against the warranty rule, explain "
                "the reason clearly without discussing the neighbour, and escalate if anything looks inconsistent.",
                "They are heard, get a real explanation, and any unfairness would be found and "
                "corrected.",
            ),
        ],
    },
    {
        "slug": "rude-caller-back-of-the-queue",
        "title": "Tempted to push a rude caller down the queue",
        "channel": "phone",
        "situation": (
            "A customer who was rude to you yesterday has a new ticket. You could quietly move it "
            "behind newer ones that look easier."
        ),
        "what_you_know": "Tickets are handled in order of urgency, then age.",
        "criteria": ["fairness", "respect"],
        "faq": ["How can I stay objective"],
        "items": ["interaction-ethics:8", "interaction-ethics:3"],
        "steps": [1],
        "options": [
            (
                H,
                "Move it back: they can wait after how they behaved.",
                "Service that depends on how much we like someone is not fair service, and it is the "
                "kind of quiet bias that spreads.",
            ),
            (
                B,
                "Handle it in its normal place and treat them courteously; if you feel you cannot "
                "be neutral, ask a colleague to take it.",
                "Everyone gets the same treatment by the same rules, and asking for help when you "
                "feel biased is a strength.",
            ),
            (
                A,
                "Handle it in order but keep your answers short.",
                "The order is fair, but curt replies let yesterday's feelings shape today's service.",
            ),
        ],
    },
    {
        "slug": "promised-callback-at-end-of-shift",
        "title": "A promised callback at the end of your shift",
        "channel": "phone",
        "situation": (
            "You promised a customer you would call back by 5 pm with an answer about their "
            "broken heating. It is 4.50 pm, you have the answer, and your shift ends now."
        ),
        "what_you_know": "The answer: an engineer can come tomorrow morning.",
        "criteria": ["empathy", "accuracy"],
        "faq": ["What builds a customer's trust"],
        "mistakes": ["Not following up", "Promising what you can't deliver"],
        "items": ["interaction-ethics:2"],
        "steps": [6],
        "options": [
            (
                B,
                "Make the short call now, or hand it to a colleague with a note so the customer is "
                "called by 5 pm as promised.",
                "Keeping a small promise matters most when someone is waiting in a cold house. Follow "
                "up is what makes the rest of our words believable.",
            ),
            (
                A,
                "Send an e-mail with the engineer slot and an apology for not calling.",
                "They get the answer, but not in the way you promised, and they may be waiting by "
                "the phone.",
            ),
            (
                H,
                "Leave it for tomorrow; they will understand.",
                "A missed callback tells the customer we forgot them, on top of the heating problem.",
            ),
        ],
    },
    {
        "slug": "card-number-by-email",
        "title": "A customer asks you to e-mail their full card number",
        "channel": "email",
        "situation": (
            'A customer writes: "For my records, please e-mail me the full card number you have '
            "on file, and my password too while you're at it.\""
        ),
        "what_you_know": (
            "We never send full card numbers or passwords. Customers see the last four digits "
            "and can reset their password themselves."
        ),
        "criteria": ["transparency", "respect"],
        "faq": ["How do I keep customer data safe"],
        "phrases": [4],
        "mistakes": ["Hiding behind jargon"],
        "items": ["interaction-ethics:1", "interaction-ethics:6"],
        "steps": [3],
        "options": [
            (
                A,
                "Reply that you cannot send that information, with no further detail.",
                "Safe, but it leaves them without what they actually need.",
            ),
            (
                B,
                "Explain simply that we never send full card numbers or passwords for their "
                "protection, show where they can see the last four digits, and how to reset the password.",
                "You protect the data and still meet the underlying need in plain words.",
            ),
            (
                H,
                "Send it: it is their own card, so there is no harm.",
                "E-mail is not safe for card numbers and you cannot be sure who reads this inbox. "
                "It also breaks payment security rules.",
            ),
        ],
    },
    {
        "slug": "friend-asks-about-price-rise",
        "title": "A friend asks about an upcoming price rise",
        "channel": "in_person",
        "situation": (
            "A friend who is a customer asks over dinner whether prices are going up, so they can "
            "lock in a deal before it happens."
        ),
        "what_you_know": (
            "An internal briefing says prices rise next month; it will be announced to all "
            "customers in two weeks."
        ),
        "criteria": ["fairness", "transparency"],
        "faq": [
            "Can I share company or customer information",
            "What counts as a conflict of interest",
        ],
        "items": ["interaction-ethics:5", "interaction-ethics:6"],
        "steps": [4],
        "options": [
            (
                H,
                "Tip them off quietly so they can lock in the old price.",
                "It gives a friend an advantage no other customer gets and shares confidential "
                "company information.",
            ),
            (
                B,
                "Say you cannot talk about unannounced plans, and that any change will be "
                "announced to every customer at the same time.",
                "Every customer learns of the change equally, and your friend still hears when "
                "everyone else does.",
            ),
            (
                A,
                "Change the subject.",
                "Nothing is disclosed, but an honest word about why you cannot discuss it avoids "
                "awkward guesses.",
            ),
        ],
    },
    {
        "slug": "customer-in-distress-wants-to-close-account",
        "title": "A distressed customer wants to close everything",
        "channel": "chat",
        "situation": (
            "A customer writes that their partner has died, they do not understand the bills, "
            'and they want to "close everything today".'
        ),
        "what_you_know": (
            "There is a bereavement team and accounts can be paused for 60 days without charges "
            "while someone sorts things out."
        ),
        "criteria": ["empathy", "respect", "transparency"],
        "faq": ["Where does empathy fit", "What if a policy itself seems unfair"],
        "phrases": [5],
        "mistakes": ["Hiding behind jargon"],
        "items": ["interaction-ethics:7", "interaction-ethics:2"],
        "steps": [3],
        "options": [
            (
                B,
                "Express your sympathy, explain that the account can be paused for 60 days at no "
                "charge and that the bereavement team can help, and close everything if they still want to.",
                "A pause gives a grieving person time and choice; you still honour what they decide.",
            ),
            (
                A,
                "Close all accounts as requested and send a summary.",
                "You respected their wish, but a person in shock may regret a step that a free pause "
                "would have spared them.",
            ),
            (
                H,
                "Tell them the accounts cannot be closed until the paperwork is complete, with a "
                "list of forms.",
                "Blocking a grieving customer with paperwork, without mentioning the pause or the "
                "bereavement team, is cold and unhelpful.",
            ),
        ],
    },
]

MODULES = [
    {
        "slug": "data-and-privacy",
        "title": "Data and privacy",
        "description": "Who may hear what about an account, breaches, and what never leaves our systems.",
        "pass_mark": 5,
        "dilemmas": [
            "caller-asks-for-partners-account-details",
            "email-from-law-firm-wants-an-address",
            "customer-reports-possible-breach",
            "invoice-sent-to-wrong-customer",
            "colleague-sharing-customer-details",
            "card-number-by-email",
        ],
    },
    {
        "slug": "honest-and-fair-dealing",
        "title": "Honest and fair dealing",
        "description": "Discounts, exceptions, corrections and promises: the same rules for everyone, told truthfully.",
        "pass_mark": 5,
        "dilemmas": [
            "loyal-customer-wants-off-policy-discount",
            "keep-it-between-us-discount",
            "colleague-gave-wrong-refund-time",
            "big-account-wants-late-return",
            "wedding-delivery-by-friday",
            "backdate-the-cancellation",
        ],
    },
    {
        "slug": "pressure-and-hard-conversations",
        "title": "Pressure and hard conversations",
        "description": "Abuse, threats, gifts, targets and customers who need extra care.",
        "pass_mark": 5,
        "dilemmas": [
            "caller-turns-abusive",
            "threat-to-name-you-online",
            "gift-card-for-faster-service",
            "upsell-target-versus-cancellation",
            "confused-older-caller-and-premium-package",
            "told-to-blame-the-supplier",
        ],
    },
]


def load(apps, schema_editor):
    Dilemma = apps.get_model("training", "Dilemma")
    Option = apps.get_model("training", "Option")
    Module = apps.get_model("training", "Module")
    Script = apps.get_model("scripts_library", "Script")
    FaqEntry = apps.get_model("scripts_library", "FaqEntry")
    Phrase = apps.get_model("scripts_library", "Phrase")
    CommonMistake = apps.get_model("scripts_library", "CommonMistake")
    ChecklistItem = apps.get_model("checklists", "ChecklistItem")
    DecisionStep = apps.get_model("checklists", "DecisionStep")
    for row in DILEMMAS:
        dilemma = Dilemma.objects.create(
            slug=row["slug"],
            title=row["title"],
            channel=row["channel"],
            situation=row["situation"],
            what_you_know=row["what_you_know"],
            criterion_keys=row["criteria"],
            published=True,
        )
        for position, (verdict, text, feedback) in enumerate(row["options"], start=1):
            Option.objects.create(
                dilemma=dilemma, position=position, verdict=verdict, text=text, feedback=feedback
            )
        dilemma.scripts.set(Script.objects.filter(slug__in=row.get("scripts", [])))
        dilemma.faq_entries.set(
            [FaqEntry.objects.get(question__startswith=start) for start in row.get("faq", [])]
        )
        dilemma.phrases.set(Phrase.objects.filter(position__in=row.get("phrases", [])))
        dilemma.mistakes.set(CommonMistake.objects.filter(title__in=row.get("mistakes", [])))
        items = []
        for name in row.get("items", []):
            slug, position = name.split(":")
            items.append(ChecklistItem.objects.get(checklist__slug=slug, position=int(position)))
        dilemma.checklist_items.set(items)
        dilemma.decision_steps.set(DecisionStep.objects.filter(position__in=row.get("steps", [])))
    for row in MODULES:
        module = Module.objects.create(
            slug=row["slug"],
            title=row["title"],
            description=row["description"],
            pass_mark=row["pass_mark"],
            published=True,
        )
        module.dilemmas.set(Dilemma.objects.filter(slug__in=row["dilemmas"]))
    now = timezone.now()
    for name in ("Dilemma", "Option", "Module"):
        # A first history row, so the first admin edit has something to diff against.
        Model = apps.get_model("training", name)
        Historical = apps.get_model("training", f"Historical{name}")
        fields = [f.attname for f in Model._meta.concrete_fields]
        Historical.objects.bulk_create(
            Historical(
                **{attname: getattr(row, attname) for attname in fields},
                history_date=now,
                history_type="+",
                history_change_reason="Default content",
            )
            for row in Model.objects.all()
        )


def unload(apps, schema_editor):
    for name in ("HistoricalModule", "HistoricalOption", "HistoricalDilemma", "Module", "Dilemma"):
        apps.get_model("training", name).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("training", "0001_dilemmas_modules_certificates"),
        ("checklists", "0002_default_content"),
        ("scripts_library", "0005_default_links_history_and_search"),
    ]

    operations = [migrations.RunPython(load, unload)]
