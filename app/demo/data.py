"""The demo campaign: Northmoor Mutual, an insurer, introduces an internal collaboration
platform. Everything here is plain data; app/demo/operations.py loads it.

Dates are days before today, so the demo always covers the last three months. Stances are
given by name; people by a short key. A conversation's `people` maps each attendee to their
stance afterwards (None: unchanged). Follow-ups are (description, due in days after the
conversation, owner, about whom, done after days or None for still open).
"""

#: Fixed so the demo is the same on every machine and every run.
SEED = 20240611

ORGANISATION_DOMAIN = "northmoor.example"
USER_DOMAIN = "demo.groundswell.example"

CAMPAIGN = {
    "slug": "northmoor-connect",
    "name": "Northmoor Connect",
    "change": "An internal collaboration platform: team spaces, a questions forum and "
              "expertise profiles",
    "description": (
        "Northmoor Mutual runs on email and shared drives. Claims, sales and service teams "
        "solve the same problems again and again because nobody can see who already solved "
        "them.\n\n"
        "**Connect** gives every team a private space inside our own security controls, a "
        "place to ask the whole company a question, and profiles that show who knows what. "
        "We win over IT, Information Security, Risk and HR first, then managers, then "
        "their teams."
    ),
    "goals": [
        "Work together more effectively",
        "Build an open culture of sharing",
        "Find and reward expertise across the business",
        "Cut the time it takes a claims handler to get an answer from another team",
    ],
    "phase": "engage",
    #: Days before today the campaign started, and days after today it ends.
    "started_days_ago": 96,
    "ends_in_days": 170,
}

#: level, share %, minimum stance, due in days after today
TARGETS = [
    ("executive", 75, "supporter", 45),
    ("manager", 60, "supporter", 110),
    ("worker", 60, "supporter", 170),
]

#: key, email local part, name, global role, role in the campaign (None: none), password.
#: DEMO ONLY: these passwords are printed by `flask demo` and written in the README.
USERS = [
    ("admin", "admin", "Jordan Reyes", "admin", None, "demo-admin-password"),
    ("lead", "lead", "Lena Hart", "lead", "lead", "demo-lead-password"),
    ("champion", "champion", "Sam Whitfield", "champion", "champion", "demo-champion-password"),
    ("champion2", "champion2", "Maya Collins", "champion", "champion", "demo-champion-password"),
    ("viewer", "viewer", "Chris Dunn", "viewer", "viewer", "demo-viewer-password"),
    #: A member of the second campaign only: Northmoor Connect answers 404 to them.
    ("claims", "claims-champion", "Aled Morgan", "champion", None, "demo-champion-password"),
]

IT = "IT"
HR = "HR"
COMMS = "Internal Communications"
INFOSEC = "Information Security"
RISK = "Risk"
LD = "L&D"
SALES = "Sales"
OPS = "Operations"
DEPARTMENTS = (IT, HR, COMMS, INFOSEC, RISK, LD, SALES, OPS)

#: Which demo user looks after each department's people; executives belong to the lead.
OWNERS = {
    IT: "champion", INFOSEC: "champion", RISK: "champion", OPS: "champion",
    HR: "champion2", COMMS: "champion2", LD: "champion2", SALES: "champion2",
}

#: key, name, title, department, level, reports to, influence (1-5), stance on joining,
#: target stance
PEOPLE = [
    # Executives
    ("ashdown", "Margaret Ashdown", "Chief Operating Officer", OPS, "executive", None, 5,
     "neutral", "champion"),
    ("whitlock", "Graham Whitlock", "IT Director", IT, "executive", None, 5,
     "sceptic", "supporter"),
    ("oyelaran", "Patricia Oyelaran", "HR Director", HR, "executive", None, 5,
     "blocker", "neutral"),
    ("marsh", "Helen Marsh", "Director of Communications", COMMS, "executive", None, 4,
     "sceptic", "supporter"),
    ("menon", "Rajiv Menon", "Chief Information Security Officer", INFOSEC, "executive", None, 5,
     "blocker", "neutral"),
    ("castellano", "Fiona Castellano", "Chief Risk Officer", RISK, "executive", None, 4,
     "neutral", "supporter"),
    ("okafor", "Sarah Okafor", "Director of Learning & Development", LD, "executive", "oyelaran", 3,
     "champion", "champion"),
    ("becker", "Tom Becker", "Sales Director", SALES, "executive", None, 4,
     "supporter", "champion"),
    # Managers
    ("lowe", "Derek Lowe", "Head of Infrastructure", IT, "manager", "whitlock", 4,
     "blocker", "neutral"),
    ("hussain", "Nadia Hussain", "Service Desk Manager", IT, "manager", "whitlock", 3,
     "sceptic", "supporter"),
    ("pritchard", "Owen Pritchard", "Applications Manager", IT, "manager", "whitlock", 3,
     "supporter", "champion"),
    ("doyle", "Ruth Doyle", "Enterprise Architect", IT, "manager", "whitlock", 3,
     "sceptic", "supporter"),
    ("donnelly", "Claire Donnelly", "HR Business Partner Manager", HR, "manager", "oyelaran", 3,
     "sceptic", "supporter"),
    ("keane", "Martin Keane", "Head of Employee Relations", HR, "manager", "oyelaran", 4,
     "blocker", "neutral"),
    ("hale", "Rebecca Hale", "Internal Comms Manager", COMMS, "manager", "marsh", 4,
     "sceptic", "supporter"),
    ("fenwick", "Joel Fenwick", "Intranet Manager", COMMS, "manager", "marsh", 3,
     "neutral", "champion"),
    ("grey", "Alison Grey", "Information Security Manager", INFOSEC, "manager", "menon", 4,
     "blocker", "neutral"),
    ("asante", "Kwame Asante", "Information Assurance Lead", INFOSEC, "manager", "menon", 3,
     "sceptic", "supporter"),
    ("lennox", "Stuart Lennox", "Head of Risk", RISK, "manager", "castellano", 4,
     "sceptic", "supporter"),
    ("shah", "Priya Shah", "Compliance Manager", RISK, "manager", "castellano", 3,
     "sceptic", "neutral"),
    ("archer", "Ben Archer", "Learning Technologies Manager", LD, "manager", "okafor", 3,
     "champion", "champion"),
    ("brennan", "Lucy Brennan", "L&D Manager", LD, "manager", "okafor", 3,
     "neutral", "champion"),
    ("evans", "Gareth Evans", "Regional Sales Manager, North", SALES, "manager", "becker", 3,
     "neutral", "supporter"),
    ("lawson", "Emma Lawson", "Regional Sales Manager, South", SALES, "manager", "becker", 3,
     "supporter", "champion"),
    ("ortiz", "Daniel Ortiz", "Channel Partner Manager", SALES, "manager", "becker", 3,
     "neutral", "supporter"),
    ("mercer", "Ian Mercer", "Operations Manager", OPS, "manager", "ashdown", 4,
     "sceptic", "supporter"),
    ("cole", "Hannah Cole", "Customer Service Manager", OPS, "manager", "ashdown", 3,
     "neutral", "supporter"),
    ("szabo", "Victor Szabo", "Claims Team Manager", OPS, "manager", "ashdown", 3,
     "unknown", "supporter"),
    # Workers
    ("jarvis", "Phil Jarvis", "Systems Engineer", IT, "worker", "lowe", 2,
     "blocker", "neutral"),
    ("rahman", "Aisha Rahman", "Infrastructure Engineer", IT, "worker", "lowe", 2,
     "neutral", "supporter"),
    ("fletcher", "Tom Fletcher", "Service Desk Analyst", IT, "worker", "hussain", 1,
     "neutral", "supporter"),
    ("kaminski", "Zoe Kaminski", "Service Desk Analyst", IT, "worker", "hussain", 1,
     "unknown", "supporter"),
    ("patel", "Ravi Patel", "Developer", IT, "worker", "pritchard", 2,
     "supporter", "champion"),
    ("walsh", "Gemma Walsh", "HR Advisor", HR, "worker", "donnelly", 2,
     "neutral", "supporter"),
    ("oconnor", "Liam O'Connor", "HR Advisor", HR, "worker", "donnelly", 1,
     "sceptic", "supporter"),
    ("porter", "Denise Porter", "Employee Relations Advisor", HR, "worker", "keane", 2,
     "sceptic", "neutral"),
    ("burns", "Katie Burns", "Internal Communications Officer", COMMS, "worker", "hale", 2,
     "neutral", "supporter"),
    ("bell", "Marcus Bell", "Internal Communications Officer", COMMS, "worker", "hale", 1,
     "supporter", "supporter"),
    ("turner", "Sophie Turner", "Intranet Editor", COMMS, "worker", "fenwick", 2,
     "supporter", "champion"),
    ("chadwick", "Neil Chadwick", "Security Analyst", INFOSEC, "worker", "grey", 2,
     "sceptic", "neutral"),
    ("nwosu", "Amara Nwosu", "Security Analyst", INFOSEC, "worker", "grey", 1,
     "neutral", "supporter"),
    ("grant", "Ewan Grant", "Security Architect", INFOSEC, "worker", "grey", 3,
     "sceptic", "neutral"),
    ("stone", "Rachel Stone", "Risk Analyst", RISK, "worker", "lennox", 1,
     "neutral", "supporter"),
    ("ali", "Hassan Ali", "Risk Analyst", RISK, "worker", "lennox", 2,
     "unknown", "supporter"),
    ("price", "Megan Price", "Compliance Officer", RISK, "worker", "shah", 2,
     "sceptic", "neutral"),
    ("adams", "Chloe Adams", "Learning Designer", LD, "worker", "archer", 2,
     "supporter", "champion"),
    ("scott", "Jamie Scott", "Learning Designer", LD, "worker", "archer", 1,
     "neutral", "supporter"),
    ("henderson", "Paul Henderson", "Trainer", LD, "worker", "brennan", 2,
     "sceptic", "supporter"),
    ("reid", "Olivia Reid", "Trainer", LD, "worker", "brennan", 1,
     "neutral", "supporter"),
    ("morrison", "Jack Morrison", "Account Manager", SALES, "worker", "evans", 2,
     "neutral", "supporter"),
    ("qureshi", "Sana Qureshi", "Account Manager", SALES, "worker", "evans", 1,
     "unknown", "supporter"),
    ("clarke", "Lewis Clarke", "Account Manager", SALES, "worker", "lawson", 2,
     "supporter", "champion"),
    ("ward", "Ellie Ward", "Account Manager", SALES, "worker", "lawson", 1,
     "neutral", "supporter"),
    ("adeyemi", "Femi Adeyemi", "Channel Account Executive", SALES, "worker", "ortiz", 2,
     "neutral", "supporter"),
    ("watson", "Craig Watson", "Operations Analyst", OPS, "worker", "mercer", 1,
     "sceptic", "supporter"),
    ("bennett", "Laura Bennett", "Operations Analyst", OPS, "worker", "mercer", 2,
     "neutral", "supporter"),
    ("iqbal", "Mohammed Iqbal", "Customer Service Advisor", OPS, "worker", "cole", 1,
     "neutral", "supporter"),
    ("flynn", "Rosie Flynn", "Customer Service Advisor", OPS, "worker", "cole", 1,
     "unknown", "supporter"),
    ("hughes", "Stephen Hughes", "Claims Handler", OPS, "worker", "szabo", 1,
     "sceptic", "supporter"),
    ("costa", "Ana Costa", "Claims Handler", OPS, "worker", "szabo", 1,
     "unknown", "supporter"),
]

#: People who joined the campaign later than its start: key -> days ago.
JOINED_LATE = {"adeyemi": 40, "szabo": 20, "hughes": 20, "costa": 20, "ali": 30}

#: key, level, title, body (Markdown). Plain capability words: no "social", no "game".
KEY_MESSAGES = [
    ("exec-speed", "executive", "Faster answers, fewer repeated mistakes",
     "Teams find the colleague who already solved a problem instead of solving it again. "
     "We will track time to answer a customer query and duplicated work."),
    ("exec-controls", "executive", "A private space inside our own controls",
     "Hosted under our information security policy; IT, Information Security, Risk and HR "
     "agree the guardrails before anyone posts."),
    ("exec-evidence", "executive", "Proven where managers lead it",
     "Where local managers led the coaching, organisations have trained whole sales channels "
     "in weeks and cut travel sharply."),
    ("mgr-time", "manager", "Gives your team time back",
     "One question to the whole company replaces a week of reply-all email. Plan thirty "
     "minutes a week, not a new job."),
    ("mgr-scope", "manager", "Your team's know-how, findable",
     "Procedures, fixes and decisions live in your team space where new starters can find "
     "them, not in one person's inbox."),
    ("mgr-lead", "manager", "Teams follow their manager",
     "A short weekly update from you in the team space does more than any launch campaign."),
    ("wkr-answers", "worker", "Get answers without waiting on email",
     "Ask once in the questions forum and the people who know will answer, whichever team "
     "they sit in."),
    ("wkr-expertise", "worker", "Be known for what you know",
     "Your profile shows what you are good at, so the right work and the credit find you."),
    ("wkr-work", "worker", "Work stays work",
     "It is a work tool behind the firewall: nothing you post leaves Northmoor and it is "
     "separate from your personal accounts."),
]

#: The risk checklist as the story leaves it: area, status, who answers for it, notes.
RISK_CHECKLIST = [
    ("technical", "mitigated", "IT", "Single sign-on enforced; hosted in our own region."),
    ("financial", "mitigated", "Operations",
     "Pilot-year licences funded from the COO's change budget."),
    ("information", "mitigated", "Information Security",
     "Residency and retention settings signed off by the CISO."),
    ("communications", "mitigated", "Internal Communications",
     "Official news has its own announcements space; usage guidelines signed off by HR."),
    ("support", "mitigated", "IT",
     "Vendor first line, service desk second line, answers kept in the forum."),
    ("scalability", "mitigated", "IT", "Staging load test passed at twice the expected users."),
    ("data_migration", "open", "IT",
     "Which shared-drive folders move across, and who decides, is not agreed yet."),
    ("licensing", "accepted", "Operations",
     "Per-user licences: we accept the cost rising if adoption beats the plan."),
    ("user_management", "open", "HR",
     "Leavers must lose access the day they go; needs a feed from the HR system."),
    ("architecture", "not_assessed", "IT", ""),
]

#: The story of the campaign, oldest first.
CONVERSATIONS = [
    dict(days_ago=92, by="lead", channel="one_to_one", minutes=45,
         subject="Sponsorship conversation with the COO",
         summary="Walked Margaret through the claims backlog problem and how a questions "
                 "forum could shorten it. Interested but wants **numbers** before she "
                 "sponsors anything.",
         people={"ashdown": None},
         objections=[("ashdown", "cost-value",
                      "Show me what it returns before I put my name to it; we have paid for "
                      "tools nobody used.")],
         follow_ups=[("Send Margaret a one-page business case with time-to-answer figures",
                      7, "lead", "ashdown", 5)],
         messages=["exec-speed"]),
    dict(days_ago=90, by="lead", channel="meeting", minutes=60,
         subject="L&D planning session",
         summary="Agreed the three phases (embrace, engage, embed) and who talks to whom. "
                 "Lucy offered to run the trainer sessions.",
         people={"okafor": None, "archer": None, "brennan": "supporter"}),
    dict(days_ago=88, by="champion", channel="demo", minutes=60,
         subject="Platform demo for IT",
         summary="Demo of team spaces and the questions forum. Derek worried about running "
                 "one more platform with the same headcount; Nadia about the service desk.",
         people={"whitlock": None, "lowe": None, "hussain": None},
         objections=[("lowe", "it-support-scale",
                      "Another platform for my team to keep running with no extra headcount, "
                      "and nobody knows how it behaves with three thousand users."),
                     ("hussain", "it-support-scale",
                      "The service desk will drown in how-do-I tickets in the first month.")],
         follow_ups=[("Get the vendor's support model and load-test results for Derek",
                      14, "champion", "lowe", 12)],
         messages=["exec-controls", "mgr-time"]),
    dict(days_ago=85, by="champion2", channel="meeting", minutes=45,
         subject="HR leadership briefing",
         summary="Patricia and Martin were uncomfortable with people posting freely. Claire "
                 "asked for usage guidelines before any pilot.",
         people={"oyelaran": None, "donnelly": None, "keane": None},
         objections=[("oyelaran", "loss-of-control",
                      "Anyone could post anything about pay or restructuring and HR would be "
                      "left answering for it."),
                     ("keane", "personal-professional",
                      "Staff will not want colleagues seeing their private lives, and posts "
                      "will turn into grievances.")],
         follow_ups=[("Draft acceptable-use guidelines with HR", 21, "champion2", "donnelly",
                      30)]),
    dict(days_ago=84, by="champion", channel="one_to_one", minutes=30,
         subject="First meeting with the CISO",
         summary="Rajiv assumes the platform is a public site. Explained it is hosted under "
                 "our controls; he wants to see data residency and retention settings.",
         people={"menon": None},
         objections=[("menon", "security",
                      "Customer data will end up somewhere we cannot audit.")],
         follow_ups=[("Share data residency and retention settings with Information Security",
                      10, "champion", "menon", 9)],
         messages=["exec-controls"]),
    dict(days_ago=82, by="champion", channel="meeting", minutes=45,
         subject="Information Security working session",
         summary="Alison walked through incidents from shared drives. Kwame suggested a short "
                 "risk checklist rather than a full assessment.",
         people={"grey": None, "asante": None, "grant": None},
         objections=[("grey", "leakage-compliance",
                      "One careless post with a policy number in it and we are reporting a "
                      "breach to the regulator.")]),
    dict(days_ago=80, by="champion2", channel="meeting", minutes=45,
         subject="Internal Communications review",
         summary="Helen fears official announcements getting lost. Rebecca already moderates "
                 "the intranet and sees a second channel to police. Joel keen on linking it "
                 "from the intranet.",
         people={"marsh": None, "hale": None, "fenwick": None},
         objections=[("marsh", "loss-of-control",
                      "Official announcements will be drowned out by chatter."),
                     ("hale", "loss-of-control",
                      "My team would have a second channel to moderate with no extra people.")]),
    dict(days_ago=78, by="lead", channel="meeting", minutes=45,
         subject="Risk function introduction",
         summary="Fiona open-minded; Stuart wants to know who signs off posts in regulated "
                 "areas. Agreed to build a risk checklist with Information Assurance.",
         people={"castellano": None, "lennox": None},
         objections=[("lennox", "leakage-compliance",
                      "Who signs off what is posted about regulated products?")],
         follow_ups=[("Build a risk checklist (technical, financial, information, "
                      "communications) with Information Assurance", 21, "lead", "castellano",
                      18)],
         messages=["exec-controls"]),
    dict(days_ago=76, by="champion2", channel="meeting", minutes=60,
         subject="Sales leadership: the channel training story",
         summary="Told the story of a channel trained worldwide in two weeks with managers "
                 "leading the coaching. Tom wants Sales to go first.",
         people={"becker": "champion", "lawson": None, "evans": None},
         objections=[("evans", "fad",
                      "We had an ideas portal three years ago and nobody opened it after the "
                      "first month.")],
         messages=["exec-evidence", "mgr-time"], case_studies=["cisco-channel-training"]),
    dict(days_ago=74, by="champion", channel="one_to_one", minutes=30,
         subject="Operations: first conversation",
         summary="Ian is worried about targets; Hannah curious about using the forum for "
                 "customer queries.",
         people={"mercer": None, "cole": None},
         objections=[("mercer", "time-wasting",
                      "My claims handlers have targets; they have no time to chat.")],
         messages=["mgr-time"]),
    dict(days_ago=72, by="champion2", channel="workshop", minutes=90,
         subject="L&D team workshop",
         summary="Hands-on session in a sandbox team space. The designers built a FAQ in "
                 "twenty minutes. Paul worried classroom work will be sidelined.",
         people={"archer": None, "brennan": None, "adams": "champion", "scott": "supporter",
                 "henderson": "neutral", "reid": "supporter"},
         objections=[("henderson", "fad",
                      "This is this year's shiny tool; next year it will be something else.")],
         messages=["wkr-answers", "wkr-expertise"]),
    dict(days_ago=70, by="lead", channel="one_to_one", minutes=30,
         subject="Business case review with the COO",
         summary="Margaret accepted the business case with time-to-answer as the measure and "
                 "agreed to sponsor the campaign.",
         people={"ashdown": "supporter"},
         messages=["exec-speed", "exec-evidence"], case_studies=["ibm-lotus-notes-communities"]),
    dict(days_ago=68, by="champion", channel="meeting", minutes=45,
         subject="Vendor support model with IT",
         summary="Went through the vendor's support tiers and load tests. Graham satisfied the "
                 "vendor carries first-line support; Derek still wants our own test.",
         people={"whitlock": "neutral", "lowe": None, "doyle": None},
         follow_ups=[("Arrange a load test on the staging environment", 21, "champion", "lowe",
                      38)]),
    dict(days_ago=66, by="champion2", channel="one_to_one", minutes=30,
         subject="Usage guidelines, first draft",
         summary="Claire marked up the draft: clear rules on personal data and a named "
                 "moderator per space.",
         people={"donnelly": None}),
    dict(days_ago=63, by="champion", channel="demo", minutes=45,
         subject="Service desk demo",
         summary="Showed the analysts how a forum answer can be linked from a ticket. Tom and "
                 "Zoe want to try it for known issues.",
         people={"hussain": "neutral", "fletcher": "supporter", "kaminski": "supporter"},
         messages=["wkr-answers"]),
    dict(days_ago=60, by="champion2", channel="one_to_one", minutes=30,
         subject="Announcements pilot proposal",
         summary="Rebecca agreed to try an announcements space that only Comms can post in, "
                 "with comments open.",
         people={"hale": "neutral"}),
    dict(days_ago=58, by="champion", channel="meeting", minutes=45,
         subject="Information Security review of hosting settings",
         summary="Residency in our region, retention configurable, single sign-on enforced. "
                 "Rajiv now treats it as a configuration question, not a yes/no.",
         people={"menon": "sceptic", "grey": None}),
    dict(days_ago=56, by="lead", channel="one_to_one", minutes=30,
         subject="HR Director catch-up",
         summary="Patricia still opposed. She thinks people here are rewarded for what they "
                 "keep to themselves.",
         people={"oyelaran": None},
         objections=[("oyelaran", "knowing-culture",
                      "People here are paid for what they know; they will not give it away.")],
         follow_ups=[("Invite Patricia to the Sales pilot review", 30, "lead", "oyelaran",
                      None)]),
    dict(days_ago=54, by="champion2", channel="demo", minutes=60,
         subject="Sales account managers demo",
         summary="Account managers liked finding product experts. Sana worried clients or her "
                 "manager would see personal things.",
         people={"lawson": "champion", "morrison": "supporter", "qureshi": "neutral",
                 "clarke": None, "ward": "supporter"},
         objections=[("qureshi", "personal-professional",
                      "I do not want my manager reading what I post about my weekend.")],
         messages=["wkr-answers", "wkr-work"]),
    dict(days_ago=52, by="champion", channel="meeting", minutes=30,
         subject="Operations analysts and Ian",
         summary="Analysts interested in sharing report templates. Ian still sees it as time "
                 "away from the queue.",
         people={"mercer": None, "watson": None, "bennett": "supporter"},
         follow_ups=[("Show Ian how the pilot claims team cut internal email", 14, "champion",
                      "mercer", 17)]),
    dict(days_ago=50, by="champion2", channel="one_to_one", minutes=45,
         subject="Communications governance model",
         summary="Agreed owners for official spaces and a clear label for announcements. "
                 "Helen happier that official news stands apart.",
         people={"marsh": "neutral"}),
    dict(days_ago=47, by="champion", channel="meeting", minutes=60,
         subject="Risk checklist working session",
         summary="Kwame and Ewan co-wrote the checklist: support, scalability, data migration, "
                 "licensing, user management, architecture.",
         people={"asante": "neutral", "grant": None},
         case_studies=["public-sector-risk-checklist"]),
    dict(days_ago=45, by="lead", channel="meeting", minutes=45,
         subject="Risk checklist review",
         summary="Fiona reviewed the checklist and is content. Stuart accepts named space "
                 "owners as sign-off for regulated topics.",
         people={"castellano": "supporter", "lennox": None, "shah": None},
         messages=["exec-controls"]),
    dict(days_ago=42, by="champion2", channel="one_to_one", minutes=30,
         subject="Employee relations concerns",
         summary="Martin expects grievances about posts. Agreed to wait for the HR policy "
                 "review before going further with him.",
         people={"keane": None}),
    dict(days_ago=40, by="champion", channel="one_to_one", minutes=30,
         subject="IT capacity plan",
         summary="Graham signed off the capacity plan: vendor first line, service desk second, "
                 "knowledge articles in the forum.",
         people={"whitlock": "supporter", "hussain": None}),
    dict(days_ago=38, by="champion2", channel="meeting", minutes=45,
         subject="Channel partners",
         summary="Daniel sees the channel training story as his use case. Femi would like a "
                 "partner-facing space.",
         people={"ortiz": "supporter", "adeyemi": None},
         follow_ups=[("Raise a request for a partner-facing pilot space", 20, "champion2",
                      "ortiz", None)],
         case_studies=["cisco-channel-training"]),
    dict(days_ago=35, by="champion", channel="one_to_one", minutes=30,
         subject="Pilot results for Operations",
         summary="The pilot claims team halved internal email on recurring questions. Ian will "
                 "let two of his analysts try it.",
         people={"mercer": "neutral"},
         messages=["mgr-time", "mgr-lead"]),
    dict(days_ago=33, by="champion2", channel="meeting", minutes=30,
         subject="Intranet integration",
         summary="Joel will link Connect from the intranet home page and Sophie will write the "
                 "how-to pages.",
         people={"fenwick": "supporter", "turner": "champion"},
         follow_ups=[("Link Connect from the intranet home page", 14, "champion2", "fenwick",
                      11)]),
    dict(days_ago=30, by="lead", channel="meeting", minutes=60,
         subject="Executive steering group",
         summary="Progress against targets, the risk checklist and pilot figures. Margaret "
                 "will open the next all-hands with a Connect question.",
         people={"ashdown": "champion", "becker": None, "whitlock": None, "castellano": None,
                 "okafor": None},
         messages=["exec-speed", "exec-controls"]),
    dict(days_ago=28, by="champion", channel="meeting", minutes=45,
         subject="Load test results",
         summary="Staging load test passed at twice the expected users. Derek now wants an "
                 "operational runbook rather than a veto.",
         people={"lowe": "sceptic", "jarvis": None, "rahman": "supporter"}),
    dict(days_ago=26, by="champion2", channel="one_to_one", minutes=30,
         subject="Guidelines signed off",
         summary="Claire signed off the usage guidelines; HR advisors will answer questions "
                 "about them.",
         people={"donnelly": "neutral"}),
    dict(days_ago=24, by="champion", channel="one_to_one", minutes=30,
         subject="Information Security Manager follow-up",
         summary="Alison still wants automatic detection of policy numbers before launch.",
         people={"grey": None, "chadwick": None},
         follow_ups=[("Arrange a data-loss-prevention demo for Alison", 10, "champion", "grey",
                      None)]),
    dict(days_ago=21, by="champion2", channel="meeting", minutes=30,
         subject="Announcements pilot review",
         summary="The announcements space worked: fewer all-staff emails, comments were "
                 "sensible. Rebecca will extend it.",
         people={"hale": "supporter", "burns": "supporter", "bell": None}),
    dict(days_ago=19, by="champion", channel="demo", minutes=45,
         subject="Customer service team demo",
         summary="Advisors used the forum to find a billing answer in minutes.",
         people={"cole": "supporter", "iqbal": "supporter", "flynn": "neutral"},
         messages=["wkr-answers"]),
    dict(days_ago=17, by="champion2", channel="workshop", minutes=60,
         subject="HR advisors workshop",
         summary="Walked through the guidelines and the profile settings.",
         people={"walsh": "supporter", "oconnor": "neutral", "porter": None},
         messages=["wkr-work"]),
    dict(days_ago=14, by="lead", channel="one_to_one", minutes=30,
         subject="HR Director: guidelines and pilot figures",
         summary="With the guidelines signed off by her own team, Patricia accepts a "
                 "controlled pilot. Still doubtful about sharing culture.",
         people={"oyelaran": "sceptic"}),
    dict(days_ago=12, by="champion", channel="meeting", minutes=30,
         subject="Claims team introduction",
         summary="Victor is open to it. Stephen sees one more inbox to check.",
         people={"szabo": "neutral", "hughes": None, "costa": "neutral"},
         objections=[("hughes", "time-wasting",
                      "It is another inbox to check on top of the claims system.")]),
    dict(days_ago=10, by="champion2", channel="chat", minutes=15,
         subject="Account managers two weeks in",
         summary="Lewis has answered a dozen product questions and is helping others start.",
         people={"clarke": "champion", "morrison": None}),
    dict(days_ago=8, by="champion", channel="meeting", minutes=30,
         subject="CISO sign-off",
         summary="Rajiv signed off residency and retention settings for the pilot.",
         people={"menon": "neutral", "grey": None}),
    dict(days_ago=6, by="champion2", channel="one_to_one", minutes=30,
         subject="Director of Communications",
         summary="Helen will post the next quarterly update in the announcements space.",
         people={"marsh": "supporter"}),
    dict(days_ago=4, by="lead", channel="meeting", minutes=45,
         subject="Compliance and retention",
         summary="Stuart and Priya accept the space-owner model. Megan wants a retention "
                 "period agreed for posts.",
         people={"lennox": "neutral", "shah": "neutral", "price": None},
         objections=[("price", "leakage-compliance",
                      "We need a retention period for posts before anything regulated goes "
                      "in.")],
         follow_ups=[("Confirm the retention period for posts with Compliance", 7, "lead",
                      "price", None)]),
    dict(days_ago=2, by="champion", channel="workshop", minutes=60,
         subject="Service desk admin training",
         summary="Trained the service desk on space administration.",
         people={"fletcher": None, "kaminski": None, "hussain": "supporter"},
         follow_ups=[("Run a second admin session for the evening shift", 10, "champion",
                      "hussain", None)]),
    dict(days_ago=1, by="champion2", channel="meeting", minutes=45,
         subject="Planning the embed phase with L&D",
         summary="Agreed to fold Connect into induction and the manager programme.",
         people={"okafor": None, "archer": None, "brennan": "champion"},
         follow_ups=[("Add a Connect module to the new-starter induction", 21, "champion2",
                      "brennan", None)]),
]

#: Later steps of objections raised above: person, theme, days ago, new status, note.
OBJECTION_STEPS = [
    ("ashdown", "cost-value", 70, "resolved", "Business case accepted with time-to-answer as "
     "the measure."),
    ("lowe", "it-support-scale", 68, "answered", "Vendor support tiers and load tests shared."),
    ("lowe", "it-support-scale", 28, "resolved", "Staging load test passed at twice the "
     "expected users."),
    ("menon", "security", 58, "answered", "Residency, retention and single sign-on settings "
     "reviewed."),
    ("menon", "security", 8, "resolved", "Settings signed off for the pilot."),
    ("hussain", "it-support-scale", 40, "resolved", "Capacity plan: vendor first line, "
     "knowledge articles in the forum."),
    ("marsh", "loss-of-control", 50, "answered", "Governance model with owned official "
     "spaces."),
    ("hale", "loss-of-control", 21, "resolved", "Announcements pilot: fewer all-staff "
     "emails."),
    ("lennox", "leakage-compliance", 45, "answered", "Named space owners sign off regulated "
     "topics."),
    ("keane", "personal-professional", 42, "parked", "Waiting for the HR policy review."),
    ("qureshi", "personal-professional", 40, "answered", "Showed the profile privacy "
     "settings; personal details are optional."),
    ("mercer", "time-wasting", 35, "answered", "Pilot claims team halved internal email on "
     "recurring questions."),
    ("oyelaran", "loss-of-control", 14, "answered", "Usage guidelines signed off by HR."),
    ("evans", "fad", 30, "parked", "Revisit once Sales has three months of use."),
]

#: Short everyday contacts that fill the three months between the story's conversations.
#: The loader picks attendees, days and channels with the fixed SEED.
FILLER_SUBJECTS = [
    ("chat", "Quick question about team spaces"),
    ("email", "Sent the how-to guide"),
    ("one_to_one", "Coffee catch-up on progress"),
    ("chat", "Helped set up a profile"),
    ("email", "Shared the pilot figures"),
    ("one_to_one", "Check-in after the demo"),
    ("chat", "Answered a question about notifications"),
    ("email", "Forwarded the usage guidelines"),
]
FILLER_COUNT = 48


# --- A second, smaller campaign in the same (fictional) organisation. ---
#
# It shows that a person's details belong to the campaign: five people here have the same
# email as someone in Northmoor Connect but another title, department or stance, as this
# campaign knows them, and neither campaign sees the other's record. Lena Hart (lead) and
# the admin see both; Aled Morgan works only here; Sam, Maya and Chris only in Connect.

CLAIMS = "Claims"

CLAIMS_CAMPAIGN = {
    "slug": "claims-answers",
    "name": "Claims Answers",
    "change": "A shared answers library for claims handlers, kept by the handlers themselves",
    "description": (
        "Claims handlers ask the same questions of the same few experts every week. "
        "**Claims Answers** is a small pilot: handlers write up each answer once, in a "
        "shared library, and the experts review it."
    ),
    "goals": [
        "Knowledge and document management",
        "Find and reward expertise across the business",
    ],
    "phase": "embrace",
    "started_days_ago": 30,
    "ends_in_days": 60,
}

#: Members of Claims Answers: user key -> role there.
CLAIMS_MEMBERS = {"lead": "lead", "claims": "champion"}

CLAIMS_TARGETS = [
    ("manager", 75, "supporter", 45),
    ("worker", 50, "supporter", 60),
]

CLAIMS_KEY_MESSAGES = [
    ("claims-exec", "executive", "Fewer escalations to the same three experts",
     "Every answer written once saves an expert's hour each time it is found again."),
    ("claims-mgr", "manager", "Your team's answers, reviewed by your experts",
     "Nothing is published without a named reviewer from your team."),
    ("claims-worker", "worker", "Find the answer before you pick up the phone",
     "Search the library first; if the answer is not there, ask once and it will be."),
]

#: As in PEOPLE: key, name, title, department, level, reports to, influence, stance,
#: target. A name that is also in PEOPLE is the same email: this campaign's own record.
CLAIMS_PEOPLE = [
    ("ashdown", "Margaret Ashdown", "Executive sponsor, claims transformation", OPS,
     "executive", None, 5, "champion", "champion"),
    ("mercer", "Ian Mercer", "Operations Manager (claims pilot owner)", OPS, "manager",
     "ashdown", 4, "neutral", "supporter"),
    ("szabo", "Victor Szabo", "Claims Operations Lead", CLAIMS, "manager", "mercer", 4,
     "supporter", "champion"),
    ("pryce", "Bronwen Pryce", "Property Claims Team Manager", CLAIMS, "manager", "mercer", 3,
     "sceptic", "supporter"),
    ("hughes", "Stephen Hughes", "Senior Claims Handler, Motor", CLAIMS, "worker", "szabo", 3,
     "supporter", "champion"),
    ("costa", "Ana Costa", "Claims Handler, Motor", CLAIMS, "worker", "szabo", 2,
     "neutral", "supporter"),
    ("mahmood", "Tariq Mahmood", "Claims Handler, Motor", CLAIMS, "worker", "szabo", 1,
     "unknown", "supporter"),
    ("kirby", "Joanne Kirby", "Claims Handler, Property", CLAIMS, "worker", "pryce", 2,
     "sceptic", "supporter"),
    ("reeve", "Callum Reeve", "Claims Handler, Property", CLAIMS, "worker", "pryce", 1,
     "neutral", "supporter"),
    ("blake", "Imogen Blake", "Loss Adjuster", CLAIMS, "worker", "pryce", 3,
     "blocker", "neutral"),
    ("gupta", "Nisha Gupta", "Counter-Fraud Investigator", CLAIMS, "worker", "mercer", 2,
     "sceptic", "neutral"),
    ("lloyd", "Owain Lloyd", "Claims Quality Analyst", CLAIMS, "worker", "szabo", 2,
     "neutral", "supporter"),
]

CLAIMS_CONVERSATIONS = [
    dict(days_ago=28, by="lead", channel="one_to_one", minutes=30,
         subject="Pilot scope with the sponsor",
         summary="Margaret wants the pilot to show fewer escalations within six weeks.",
         people={"ashdown": None, "mercer": "supporter"}, messages=["claims-exec"]),
    dict(days_ago=21, by="claims", channel="workshop", minutes=90,
         subject="Motor team: first twenty answers",
         summary="The motor team wrote up their twenty most-asked questions together.",
         people={"szabo": None, "hughes": None, "costa": "supporter", "mahmood": "neutral"},
         messages=["claims-worker"]),
    dict(days_ago=14, by="claims", channel="meeting", minutes=45,
         subject="Property team introduction",
         summary="Bronwen and Imogen worried that written answers will be quoted back at "
                 "them in disputes.",
         people={"pryce": None, "kirby": None, "blake": None},
         objections=[("blake", "leakage-compliance",
                      "A written answer becomes evidence when a claim is disputed.")],
         follow_ups=[("Ask Risk how reviewed answers are treated in disputes", 10, "claims",
                      "blake", None)],
         messages=["claims-mgr"]),
    dict(days_ago=5, by="claims", channel="chat", minutes=10,
         subject="Library search question",
         summary="Owain found an answer in the library instead of escalating.",
         people={"lloyd": "supporter"}),
]
