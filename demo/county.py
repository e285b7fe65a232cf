"""The demo county: Derbyshire's districts, agencies, teams, people and records in every state.

Built through the same operations the app uses, so its history reads like real use. Loading it
twice changes nothing.
"""

from __future__ import annotations

import itertools
import logging
import random
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from core.clock import LONDON, today_in_london, utcnow
from core.database import db
from demo.content import ADDED_FINDINGS, ENTRIES, EVIDENCE
from people.models import Agency, District, Role, Team, User
from people.operations import add_team_member, create_user
from people.passwords import DEMO_PASSWORD
from pledges.framework import ensure_default_framework
from pledges.models import EvidenceSource, Record
from pledges.operations import (
    add_addendum,
    add_finding,
    save_entry,
    start_record,
    submit_record,
)
from pledges.review.dates import review_due_on
from pledges.review.operations import add_evidence, save_review, start_review
from supervision.operations import (
    approve_all_remaining,
    approve_entry,
    return_entry,
    start_session,
)

log = logging.getLogger(__name__)


DISTRICTS = [
    "Amber Valley",
    "Bolsover",
    "Chesterfield",
    "Derbyshire Dales",
    "Erewash",
    "High Peak",
    "North East Derbyshire",
    "South Derbyshire",
]
AGENCIES = [
    "Children's social care",
    "Police",
    "Health",
    "Education",
    "Probation",
    "Youth offending service",
    "Early help",
    "Voluntary sector",
]

FIRST_NAMES = [
    "Aisha",
    "Ben",
    "Chloe",
    "Daniel",
    "Ella",
    "Femi",
    "Grace",
    "Harvey",
    "Imran",
    "Jade",
    "Kieran",
    "Leah",
    "Marcus",
    "Nadia",
    "Owen",
    "Priya",
    "Rhys",
    "Sophie",
    "Tom",
    "Una",
    "Victor",
    "Wendy",
    "Yusuf",
    "Zoe",
    "Callum",
    "Megan",
    "Ravi",
    "Helen",
    "Joel",
    "Amara",
]
LAST_NAMES = [
    "Ashworth",
    "Bennett",
    "Chowdhury",
    "Dawson",
    "Ellis",
    "Fletcher",
    "Gill",
    "Hargreaves",
    "Iqbal",
    "Jennings",
    "Kaur",
    "Lowe",
    "Mensah",
    "Nowak",
    "Okafor",
    "Parkin",
    "Quinn",
    "Riley",
    "Shaw",
    "Turner",
    "Varga",
    "Whitworth",
    "Young",
    "Marsh",
    "Booth",
    "Slater",
]


@dataclass(frozen=True)
class DemoSignIn:
    email: str
    description: str


DEMO_SIGN_INS = [
    DemoSignIn(
        "practitioner@demo.test",
        "a social worker whose six-month review is open; their team's record is a draft",
    ),
    DemoSignIn("teammate@demo.test", "a health visitor in the same team"),
    DemoSignIn(
        "manager@demo.test", "line manager of both and manager of their team; records to sign off"
    ),
    DemoSignIn("senior@demo.test", "the manager's own line manager"),
    DemoSignIn("district@demo.test", "district safeguarding team, Chesterfield"),
    DemoSignIn("training@demo.test", "the county training team"),
    DemoSignIn("admin@demo.test", "administrator"),
]


def demo_county_loaded() -> bool:
    return db.session.scalar(sa.select(User.id).where(User.email == "admin@demo.test")) is not None


def _work_base(district: str, number: int) -> str:
    return f"{district} Area Office\n{number} Station Road\n{district}"


class DemoCountyBuilder:
    """Builds the demo county in the current transaction; the caller commits."""

    def __init__(self, seed: int = 2008):
        self.random = random.Random(seed)
        self.districts: dict[str, District] = {}
        self.agencies: dict[str, Agency] = {}
        self.used_names: set[str] = set()
        self.people: list[User] = []
        self.scenarios = itertools.count(1)

    def build(self) -> None:
        ensure_default_framework()
        self.districts = {name: District(name=name) for name in DISTRICTS}
        self.agencies = {name: Agency(name=name) for name in AGENCIES}
        db.session.add_all([*self.districts.values(), *self.agencies.values()])
        db.session.flush()
        key = self._key_people()
        teams = self._teams(key)
        self._records(key, teams)

    def _name(self) -> str:
        while True:
            name = f"{self.random.choice(FIRST_NAMES)} {self.random.choice(LAST_NAMES)}"
            if name not in self.used_names:
                self.used_names.add(name)
                return name

    def _person(
        self, email, job_title, agency, district, line_manager=None, roles=frozenset(), name=None
    ):
        number = len(self.people) + 1
        user = create_user(
            email=email,
            name=name or self._name(),
            password=DEMO_PASSWORD,
            job_title=job_title,
            agency=self.agencies[agency],
            district=self.districts[district],
            line_manager=line_manager,
            work_base_address=_work_base(district, number),
            telephone=f"01629 {500000 + number:06d}",
            roles=roles,
        )
        self.people.append(user)
        return user

    def _key_people(self) -> dict[str, User]:
        csc = "Children's social care"
        senior = self._person(
            "senior@demo.test", "Head of service", csc, "Chesterfield", name="Sam Hargreaves"
        )
        manager = self._person(
            "manager@demo.test",
            "Team manager",
            csc,
            "Chesterfield",
            line_manager=senior,
            name="Morgan Ellis",
        )
        practitioner = self._person(
            "practitioner@demo.test",
            "Social worker",
            csc,
            "Chesterfield",
            line_manager=manager,
            name="Priya Shah",
        )
        teammate = self._person(
            "teammate@demo.test",
            "Health visitor",
            "Health",
            "Chesterfield",
            line_manager=manager,
            name="Tom Whitworth",
        )
        district = self._person(
            "district@demo.test",
            "District safeguarding lead",
            csc,
            "Chesterfield",
            line_manager=senior,
            roles={Role.DISTRICT_TEAM},
            name="Dana Okafor",
        )
        training = self._person(
            "training@demo.test",
            "Safeguarding training officer",
            csc,
            "Amber Valley",
            roles={Role.TRAINING_TEAM},
            name="Terry Booth",
        )
        admin = self._person(
            "admin@demo.test",
            "Systems administrator",
            csc,
            "Amber Valley",
            roles={Role.ADMINISTRATOR},
            name="Alex Nowak",
        )
        return {
            "senior": senior,
            "manager": manager,
            "practitioner": practitioner,
            "teammate": teammate,
            "district": district,
            "training": training,
            "admin": admin,
        }

    def _teams(self, key: dict[str, User]) -> list[Team]:
        """About twelve teams under three senior managers: a three-level line-management tree."""
        seniors = [
            key["senior"],
            self._person(
                "senior.health@demo.test", "Named nurse for safeguarding", "Health", "High Peak"
            ),
            self._person("senior.education@demo.test", "Head of inclusion", "Education", "Erewash"),
        ]
        plan = [
            (
                "Chesterfield North multi-agency team",
                None,
                "Chesterfield",
                key["manager"],
                [key["practitioner"], key["teammate"]],
            ),
            ("Amber Valley safeguarding team", "Children's social care", "Amber Valley", None, 3),
            ("Bolsover early help team", "Early help", "Bolsover", None, 3),
            ("Derbyshire Dales health visiting team", "Health", "Derbyshire Dales", None, 3),
            ("Erewash schools safeguarding leads", "Education", "Erewash", None, 3),
            ("High Peak school nursing team", "Health", "High Peak", None, 2),
            (
                "North East Derbyshire police public protection unit",
                "Police",
                "North East Derbyshire",
                None,
                3,
            ),
            (
                "South Derbyshire youth offending team",
                "Youth offending service",
                "South Derbyshire",
                None,
                2,
            ),
            ("Chesterfield probation team", "Probation", "Chesterfield", None, 2),
            ("High Peak family support network", "Voluntary sector", "High Peak", None, 2),
            ("Bolsover and Chesterfield virtual team", None, "Bolsover", None, 3),
            ("Erewash multi-agency safeguarding hub", None, "Erewash", None, 3),
        ]
        teams = []
        for index, (name, agency, district, manager, members) in enumerate(plan):
            senior = seniors[index % len(seniors)]
            if manager is None:
                manager = self._person(
                    f"manager{index}@demo.test",
                    "Team manager",
                    agency or "Children's social care",
                    district,
                    line_manager=senior,
                )
            if isinstance(members, int):
                members = [
                    self._person(
                        f"worker{index}.{number}@demo.test",
                        self.random.choice(JOB_TITLES.get(agency, MULTI_AGENCY_TITLES)),
                        agency or self.random.choice(AGENCIES),
                        district,
                        line_manager=manager,
                    )
                    for number in range(1, members + 1)
                ]
            team = Team(
                name=name,
                agency=self.agencies[agency] if agency else None,
                district=self.districts[district],
                manager=manager,
                description="A multi-agency group that works together regularly."
                if agency is None
                else "",
            )
            db.session.add(team)
            db.session.flush()
            for member in members:
                add_team_member(team, member)
            teams.append(team)
        return teams

    def _fill(self, record: Record, by: User, how_many: int, always_pledge: bool = False) -> None:
        entries = list(record.key_point_entries)
        self.random.shuffle(entries)
        for entry in entries[:how_many]:
            options = ENTRIES[entry.key_point.number]
            good, pledge, helps, hinders, signs = self.random.choice(options)
            values = {
                "good_practice": good,
                "pledge": pledge,
                "helps": helps,
                "hinders": hinders,
                "signs_of_success": signs,
            }
            if not always_pledge and self.random.random() < 0.25:
                values["pledge"] = ""  # good practice noted, no pledge on this point
            save_entry(entry, by, values, base_revision=entry.revision)

    def _add_finding(self, record: Record, by: User, which: int) -> None:
        title, source, good, pledge, helps, hinders, signs = ADDED_FINDINGS[which]
        entry = add_finding(record, by, title=title, source=source)
        save_entry(
            entry,
            by,
            {
                "good_practice": good,
                "pledge": pledge,
                "helps": helps,
                "hinders": hinders,
                "signs_of_success": signs,
            },
            base_revision=entry.revision,
        )

    def _signed_off_days_ago(self, record: Record, days: int) -> None:
        """Move a sign-off into the past, so its review is due (or overdue) today."""
        signed_off = utcnow() - timedelta(days=days)
        record.signed_off_at = signed_off
        record.review_due_on = review_due_on(
            signed_off.astimezone(LONDON).date(), current_app.config["REVIEW_INTERVAL_MONTHS"]
        )

    def _review_scenario(self, record: Record, person: User, scenario: int) -> None:
        """Reviews in every state: not yet due, due, overdue, in progress, submitted, complete."""
        kind = scenario % 6
        if kind == 0:
            return  # signed off today: the review is six months away
        self._signed_off_days_ago(record, {1: 184, 2: 220, 3: 190, 4: 200, 5: 230}[kind])
        if kind in (1, 2):
            return  # due, and overdue, not started
        start_review(record, person, today=record.review_due_on)
        for entry in record.pledged_entries[:2]:
            self._add_evidence(entry, person)
        if kind >= 4:
            submit_record(record, person)
        if kind == 5:
            manager = person.line_manager
            approve_all_remaining(record, manager, self._session(manager, supervisee=person))

    def _add_evidence(self, entry, person: User) -> None:
        for _ in range(self.random.randint(1, 3)):
            text, codes, judgement = self.random.choice(EVIDENCE)
            add_evidence(
                entry,
                person,
                description=text,
                occurred_on=today_in_london() - timedelta(days=self.random.randint(10, 120)),
                sources={EvidenceSource(code) for code in codes},
            )
        save_review(
            entry,
            person,
            {
                "judgement_value": judgement,
                "what_next": "Keep this going and share it with the team.",
            },
            base_revision=entry.revision,
        )

    def _session(self, manager: User, *, supervisee=None, team=None):
        return start_session(
            manager,
            supervisee=supervisee,
            team=team,
            notes="Talked through the pledges and what support is needed to keep them.",
        )

    def _sign_off(self, record: Record, manager: User, **subject) -> None:
        approve_all_remaining(record, manager, self._session(manager, **subject))

    def _return_one(self, record: Record, manager: User, **subject) -> None:
        session = self._session(manager, **subject)
        first, *rest = record.completed_entries
        return_entry(first, manager, session, self.random.choice(RETURN_COMMENTS))
        for entry in rest:
            approve_entry(entry, manager, session)

    def _records(self, key: dict[str, User], teams: list[Team]) -> None:
        # The demo sign-ins: the practitioner's own record was signed off six months ago, so
        # their review is open today; their team's record is a draft to co-edit and submit.
        mine = start_record(key["practitioner"])
        self._fill(mine, key["practitioner"], 4, always_pledge=True)
        submit_record(mine, key["practitioner"])
        self._sign_off(mine, key["manager"], supervisee=key["practitioner"])
        self._signed_off_days_ago(mine, 186)
        team_record = start_record(key["teammate"], team=teams[0])
        self._fill(team_record, key["teammate"], 2)
        self._add_finding(team_record, key["practitioner"], 0)
        manager_record = start_record(key["manager"])
        self._fill(manager_record, key["manager"], 4)
        submit_record(manager_record, key["manager"])
        # The manager's own record is signed off by *their* manager, the senior; its review is
        # ten days away (the heads-up has gone).
        self._sign_off(manager_record, key["senior"], supervisee=key["manager"])
        self._signed_off_days_ago(manager_record, 172)
        add_addendum(
            manager_record.completed_entries[0],
            key["manager"],
            "Since sign-off the team has agreed a shared chronology template with health.",
        )
        # Everyone else: some not started, some drafts, some submitted.
        others = [p for p in self.people if p not in key.values() and p.line_manager is not None]
        for index, person in enumerate(others):
            state = index % 4
            if state == 0:
                continue
            record = start_record(person)
            self._fill(record, person, self.random.randint(2, 6))
            if index % 7 == 0:
                self._add_finding(record, person, 1)
            if state >= 2:
                submit_record(record, person)
            if state == 3 and (index // 4) % 3:
                self._sign_off(record, person.line_manager, supervisee=person)
                self._review_scenario(record, person, scenario=next(self.scenarios))
            elif state == 3:
                self._return_one(record, person.line_manager, supervisee=person)
            _backdate(record, days=self.random.randint(3, 60))
        for index, team in enumerate(teams[1:], start=1):
            if index % 3 == 0:
                continue
            starter = team.members[0]
            record = start_record(starter, team=team)
            for member in team.members:
                self._fill(record, member, 2)
            if index % 3 == 2:
                submit_record(record, starter)
                if index % 2:
                    self._sign_off(record, team.manager, team=team)
            _backdate(record, days=self.random.randint(3, 60))


RETURN_COMMENTS = [
    "Good start. Can you say by when you will do this, and how we will know it has made a "
    "difference for the children you work with?",
    "The signs of success describe what you will do rather than what will change. What would a "
    "family or a colleague notice?",
]


def _backdate(record: Record, *, days: int) -> None:
    """Spread the demo's records over the last weeks so lists and history look lived in."""
    db.session.flush()
    shift = timedelta(days=days)
    record.created_at -= shift
    record.updated_at = utcnow() - shift + timedelta(days=days // 2)
    if record.submitted_at is not None:
        record.submitted_at = record.updated_at
    for event in record.events:
        if event.occurred_at is not None:
            event.occurred_at -= shift


JOB_TITLES = {
    "Children's social care": ["Social worker", "Senior social worker", "Family support worker"],
    "Police": ["Detective constable", "Police sergeant", "Public protection officer"],
    "Health": ["Health visitor", "School nurse", "Community midwife"],
    "Education": ["Designated safeguarding lead", "Head of year", "Education welfare officer"],
    "Probation": ["Probation officer", "Probation services officer"],
    "Youth offending service": ["Youth justice worker", "Case manager"],
    "Early help": ["Early help practitioner", "Family worker"],
    "Voluntary sector": ["Family support volunteer co-ordinator", "Project worker"],
}
MULTI_AGENCY_TITLES = [title for titles in JOB_TITLES.values() for title in titles]


def load_demo_county() -> bool:
    """Build the demo county unless it is already there. True if it was built now."""
    if demo_county_loaded():
        return False
    DemoCountyBuilder().build()
    db.session.flush()
    log.info("demo county loaded")
    return True
