"""Text for the demo county's records, written for the purpose: about practice, never about a child.

Each key point has a few pledges with their good practice, helps, hinders and signs of success,
so that the records read like real ones and differ from each other.
"""

from __future__ import annotations

# number of key point -> list of (good practice, pledge, helps, hinders, signs of success)
ENTRIES: dict[int, list[tuple[str, str, str, str, str]]] = {
    1: [
        (
            "I see children on their own at every statutory visit and record what they tell me in their own words.",
            "I pledge to ask every child on my caseload where they sleep and spend their time, and to see those places, within the next three months.",
            "Supervision time set aside to reflect on the child's day; the direct work toolkit the team bought last year.",
            "Visits booked around parents' availability rather than school hours; high caseloads in the winter.",
            "Each of my case records has a section in the child's own words, and my manager finds it in audits.",
        ),
        (
            "Our team uses three houses and wishes and feelings cards with younger children.",
            "We pledge to bring the child's views to the start of every core group meeting by the end of March.",
            "A standing agenda item agreed with the chairs; practitioners who already do this well.",
            "Meetings that run short of time; children's views gathered too late to share.",
            "Minutes show the child's view as the first item in at least nine out of ten core groups.",
        ),
    ],
    2: [
        (
            "I explain my role and the reasons for my involvement to parents at the first visit and check they have understood.",
            "I pledge to plan jointly with a colleague before any visit where a parent has been hostile, and to record the plan.",
            "The agency's lone working policy; a colleague in the police public protection unit who is happy to advise.",
            "Short notice visits; pressure to close the case quickly.",
            "Every visit to a family with a history of hostility has a written joint plan on file.",
        ),
        (
            "Health visitors in the team check who else lives in the household at each contact.",
            "We pledge to ask, at every review, who is parenting or caring for the child, including adults who do not live there.",
            "A prompt added to the review template; training on respectful uncertainty.",
            "Families who give different answers to different agencies.",
            "Review records name everyone caring for the child, and the team discusses gaps at the monthly meeting.",
        ),
    ],
    3: [
        (
            "I link families with universal services such as their GP and the local children's centre.",
            "I pledge to map the wider family and network with each family I start working with, within four weeks of allocation.",
            "Genogram and ecomap templates; the family group conference service.",
            "Families reluctant to involve relatives; little time for direct work.",
            "An ecomap is on file for each new family within four weeks, and it is used in planning.",
        ),
    ],
    4: [
        (
            "Our assessments draw on information from school, health and the police before conclusions are reached.",
            "We pledge to build and share a single multi-agency chronology for every family open to the team for more than three months.",
            "The chronology template in the case recording system; agreement from partner agencies to contribute.",
            "Different recording systems in each agency; turnover in the team.",
            "Chronologies are shared at core groups and updated after each significant event.",
        ),
        (
            "I re-read previous assessments before starting a new one.",
            "I pledge to revisit my analysis whenever a new incident is reported, and to record what has changed in my thinking.",
            "Reflective supervision; the checklist for good multi-agency practice.",
            "Pressure to complete assessments within timescales.",
            "My manager can see a dated re-assessment note after each new incident on my cases.",
        ),
    ],
    5: [
        (
            "Plans are reviewed at every core group and actions carried over are challenged.",
            "I pledge to write every plan with named people, dates and outcomes stated in terms of the child's well-being.",
            "SMART planning guidance; peer review of plans in the team meeting.",
            "Plans written in a hurry after conferences.",
            "Audits of my plans find named owners and dates for every action.",
        ),
    ],
    6: [
        (
            "Interventions are agreed with the family and each agency knows its part.",
            "We pledge to check at each review whether the intervention is changing things for the child, not only whether it happened.",
            "A review template that asks about impact; outcome measures agreed with the family.",
            "Services measured on attendance rather than change.",
            "Review minutes record the effect on the child for every intervention.",
        ),
    ],
    7: [
        (
            "I keep a running record of changes in the family's circumstances.",
            "I pledge to record at every review whether things have improved, stayed the same or got worse, with the evidence.",
            "Regular case supervision; a simple scale agreed with the team.",
            "Optimism when a family is engaging well.",
            "Each review shows a judgement of change with its evidence.",
        ),
    ],
    8: [
        (
            "We ask children and parents what difference our involvement has made.",
            "We pledge to gather feedback from children at the end of every piece of work, using age-appropriate tools.",
            "Feedback forms designed with the children in care council.",
            "Cases closing without a final visit.",
            "Feedback is collected on at least three quarters of closed cases and discussed each quarter.",
        ),
    ],
    9: [
        (
            "I share concerns with other agencies promptly and follow up in writing.",
            "I pledge to check that information I pass on has been received and acted on, and to escalate when it has not.",
            "The escalation procedure; a list of named contacts in each agency.",
            "Messages left with switchboards; staff absence.",
            "My records show a follow-up for every referral I make, and no concern is left without an answer.",
        ),
        (
            "The team carries key information from one meeting's minutes to the next.",
            "We pledge to start every multi-agency meeting by reviewing the actions and key information from the last one.",
            "Chairs who model this; minutes circulated within five working days.",
            "Minutes that arrive late.",
            "Actions from previous meetings are reviewed in every set of minutes.",
        ),
    ],
    10: [
        (
            "I attend the partnership's learning events on serious case review findings.",
            "I pledge to read one serious case review summary each quarter and share its lessons in the team meeting.",
            "Protected learning time; the partnership's library of review summaries.",
            "Busy periods when training is the first thing dropped.",
            "Four review summaries discussed in team meetings this year, recorded in the minutes.",
        ),
    ],
    11: [
        (
            "We use signs of safety mapping with families.",
            "We pledge to balance every list of strengths with the dangers they must be weighed against, in writing.",
            "Signs of safety training; practice leads.",
            "Professional over-optimism when parents are cooperative.",
            "Case audits find strengths and dangers weighed together in every assessment.",
        ),
    ],
    12: [
        (
            "Roles are agreed and recorded at the first core group.",
            "I pledge to confirm in writing who is doing what after every multi-agency discussion.",
            "Email templates; supervision that reviews roles and responsibilities.",
            "Assumptions that another agency is taking the lead.",
            "Colleagues in other agencies receive a written summary of agreed actions within two working days.",
        ),
        (
            "Managers in the team challenge drift in supervision.",
            "We pledge to raise concerns with colleagues in other agencies directly, and to use the escalation policy when needed.",
            "A team culture that supports challenge; the partnership's escalation policy.",
            "Worry about damaging working relationships.",
            "Escalations are recorded and resolved, and staff say in supervision that they feel able to challenge.",
        ),
    ],
    13: [
        (
            "Everyone in the team knows how to contact the children's services front door.",
            "I pledge to re-read the partnership's thresholds document and discuss it with my manager within a month.",
            "The online procedures manual; a named safeguarding lead.",
            "Procedures that change often.",
            "I can explain the thresholds to a new colleague, and my referrals meet them.",
        ),
    ],
    14: [
        (
            "We use interpreters and check understanding with families whose first language is not English.",
            "We pledge to consider in every assessment how power, culture and discrimination affect the family's experience of services.",
            "Cultural competence training; advice from community organisations.",
            "Limited access to interpreters at short notice.",
            "Assessments include a section on identity and experience of discrimination, and families say they felt understood.",
        ),
    ],
}

ADDED_FINDINGS = [
    (
        "Professionals did not always see the child's lived experience in a household with domestic abuse.",
        "Thematic review of serious case reviews, voice of the child theme",
        "We talk about domestic abuse with the child as well as the parents.",
        "We pledge to ask children directly about their experience at home when there is domestic abuse, using age-appropriate tools.",
        "Direct work resources; training on coercive control.",
        "Parents who are present at every visit.",
        "Children's own accounts appear in assessments where there is domestic abuse.",
    ),
    (
        "Information was not shared when a family moved between local authority areas.",
        "Learning lessons from serious case reviews, multi-agency lessons",
        "",
        "I pledge to contact the receiving area's children's services the same week a family I work with moves.",
        "A contact list for neighbouring authorities.",
        "Families who do not say they are moving.",
        "Every transfer on my caseload has a recorded conversation with the receiving area.",
    ),
]

# Evidence of improved practice: (what happened, sources as codes, judgement).
EVIDENCE = [
    (
        "Audit of my last ten case records found the child's own words in nine of them.",
        {"MR"},
        "improved",
    ),
    (
        "A parent said at the review that her son felt listened to for the first time.",
        {"SUR"},
        "improved",
    ),
    (
        "I now plan every visit with a colleague when there has been hostility.",
        {"SR"},
        "some_improvement",
    ),
    ("A colleague in school said our chronology helped them spot a pattern.", {"CR"}, "improved"),
    (
        "Core group minutes show the child's views as the first item since March.",
        {"MR", "CR"},
        "improved",
    ),
    (
        "Two young people completed feedback forms saying the plan made sense to them.",
        {"SUR", "SR"},
        "some_improvement",
    ),
    ("Caseload pressure meant I could not keep to the timescale I set.", {"SR"}, "no_change"),
]
