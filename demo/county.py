"""The demo county: Derbyshire's districts, agencies, teams, people and records in every state.

Built through the same operations the app uses, so its history reads like real use. Loading it
twice changes nothing.
"""

from __future__ import annotations

import itertools
import logging
import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from admin.models import PeopleImport
from core.clock import LONDON, clock_at, today_in_london
from core.database import db
from demo.content import ADDED_FINDINGS, ENTRIES, EVIDENCE
from people.models import Agency, District, Role, Team, User
from people.operations import add_team_member, create_user
from people.passwords import DEMO_PASSWORD
from pledges.framework import ensure_default_framework
from pledges.models import EvidenceSource, Record, Sharing
from pledges.operations import (
    add_addendum,
    add_finding,
    save_entry,
    start_record,
    submit_record,
)
from pledges.review.operations import add_evidence, save_review, start_review
from supervision.operations import (
    approve_all_remaining,
    approve_entry,
    finish_session,
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
        "social worker: their six-month review opened this week; their team's record is a draft",
    ),
    DemoSignIn(
        "teammate@demo.test", "health visitor in the same team; their record awaits sign-off"
    ),
    DemoSignIn(
        "manager@demo.test",
        "their line manager: a record and a six-month review await their sign-off",
    ),
    DemoSignIn("senior@demo.test", "the manager's manager: a team manager's record awaits them"),
    DemoSignIn("district@demo.test", "district safeguarding team, Chesterfield"),
    DemoSignIn("training@demo.test", "the county training team"),
    DemoSignIn("admin@demo.test", "administrator: a file of new starters waits to be imported"),
]


CSC = "Children's social care"

# The people of the demo sign-ins, each made before those they manage: who (their email before
# @demo.test), name, job title, agency, district, line manager (who).
KEY_PEOPLE = [
    ("senior", "Sam Hargreaves", "Head of service", CSC, "Chesterfield", None),
    ("manager", "Morgan Ellis", "Team manager", CSC, "Chesterfield", "senior"),
    ("practitioner", "Priya Shah", "Social worker", CSC, "Chesterfield", "manager"),
    ("teammate", "Tom Whitworth", "Health visitor", "Health", "Chesterfield", "manager"),
    ("district", "Dana Okafor", "District safeguarding lead", CSC, "Chesterfield", "senior"),
    ("training", "Terry Booth", "Safeguarding training officer", CSC, "Amber Valley", None),
    ("admin", "Alex Nowak", "Systems administrator", CSC, "Amber Valley", None),
]
KEY_PEOPLE_ROLES = {
    "district": {Role.DISTRICT_TEAM},
    "training": {Role.TRAINING_TEAM},
    "admin": {Role.ADMINISTRATOR},
}


def demo_county_loaded() -> bool:
    return db.session.scalar(sa.select(User.id).where(User.email == "admin@demo.test")) is not None


def _work_base(district: str, number: int) -> str:
    return f"{district} Area Office\n{number} Station Road\n{district}"


class DemoCountyBuilder:
    """Builds the demo county in the current transaction; the caller commits."""

    def __init__(self, seed: int = 2008):
        self.today = today_in_london()
        self.random = random.Random(seed)
        self.districts: dict[str, District] = {}
        self.agencies: dict[str, Agency] = {}
        self.used_names: set[str] = set()
        self.people: list[User] = []
        self.scenarios = itertools.count(1)

    def build(self) -> None:
        with self._at(400, hour=8):
            ensure_default_framework()  # published before anyone joined, where not yet
        self.districts = {name: District(name=name) for name in DISTRICTS}
        self.agencies = {name: Agency(name=name) for name in AGENCIES}
        db.session.add_all([*self.districts.values(), *self.agencies.values()])
        db.session.flush()
        # Everyone joined over a year ago; the records' stories run over the last eight months.
        with self._at(400, hour=9):
            key = self._key_people()
            teams = self._teams(key)
            extra = self._extra_people(key, teams)
        self._records(key, teams, extra)

    def _extra_people(self, key: dict[str, User], teams: list[Team]) -> dict[str, User]:
        """A colleague of the practitioner's whose review awaits the manager, and the team
        manager whose record awaits the senior."""
        colleague = self._person(
            "colleague@demo.test",
            "Senior social worker",
            "Children's social care",
            "Chesterfield",
            line_manager=key["manager"],
        )
        senior_supervisee = next(
            team.manager
            for team in teams
            if team.manager.line_manager == key["senior"] and team.manager != key["manager"]
        )
        return {"colleague": colleague, "senior_supervisee": senior_supervisee}

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
        key: dict[str, User] = {}
        for who, name, job_title, agency, district, line_manager in KEY_PEOPLE:
            key[who] = self._person(
                f"{who}@demo.test",
                job_title,
                agency,
                district,
                line_manager=key.get(line_manager),
                roles=KEY_PEOPLE_ROLES.get(who, frozenset()),
                name=name,
            )
        return key

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

    @contextmanager
    def _at(self, days_ago: int, hour: int = 10, minute: int = 0) -> Iterator[None]:
        """The app's clock during one step of the story: `days_ago` days before today, in the
        working day (London time), so every history, session and sign-off has its own date."""
        day = self.today - timedelta(days=days_ago)
        with clock_at(datetime.combine(day, time(hour, minute), LONDON)):
            yield
            db.session.flush()  # column defaults (an event's time) are read at the flush

    def _days_ago(self, day: date) -> int:
        return (self.today - day).days

    def _fill(self, record: Record, by: User, how_many: int, always_pledge: bool = False) -> None:
        entries = list(record.key_point_entries)
        self.random.shuffle(entries)
        for position, entry in enumerate(entries[:how_many]):
            options = ENTRIES[entry.key_point.number]
            good, pledge, helps, hinders, signs = self.random.choice(options)
            values = {
                "good_practice": good,
                "pledge": pledge,
                "helps": helps,
                "hinders": hinders,
                "signs_of_success": signs,
            }
            # Good practice noted with no pledge on some points; never on the first, since a
            # record needs a pledge to be submitted.
            if position and not always_pledge and self.random.random() < 0.25:
                values["pledge"] = ""
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

    def _write(self, record: Record, by: User, *, days_ago: int, how_many: int, **options):
        """Fill in some entries over the day the record was started and the days after it."""
        with self._at(max(days_ago - 1, 1), hour=11):
            self._fill(record, by, how_many, **options)

    def _signed_off_record(self, person: User, *, signed_off_days_ago: int, how_many=None):
        """A record started, written, submitted and signed off in supervision, in that order."""
        started = signed_off_days_ago + 30
        with self._at(started, hour=9):
            record = start_record(person)
        self._write(
            record, person, days_ago=started, how_many=how_many or self.random.randint(3, 6)
        )
        with self._at(signed_off_days_ago + 14, hour=16):
            submit_record(record, person, sharing=DEMO_SHARING[person.id % len(DEMO_SHARING)])
        with self._at(signed_off_days_ago, hour=14):
            self._sign_off(record, person.line_manager, supervisee=person)
        return record

    def _review(self, record: Record, person: User, *, submitted_days_ago=None) -> None:
        """Start the review on its due date with evidence from the months since sign-off, and
        submit it `submitted_days_ago` (when given)."""
        opened = self._days_ago(record.review_due_on)
        with self._at(opened, hour=9, minute=30):
            start_review(record, person)
            for entry in record.pledged_entries[:2]:
                self._add_evidence(entry, person, signed_off_on=record.signed_off_at.date())
        if submitted_days_ago is not None:
            with self._at(min(submitted_days_ago, opened), hour=15):
                submit_record(record, person)

    def _review_scenario(self, person: User, scenario: int) -> Record:
        """Reviews in every state: not yet due, due, overdue, in progress, submitted, complete."""
        kind = scenario % 6
        signed_off = {0: self.random.randint(20, 90), 1: 184, 2: 220, 3: 190, 4: 200, 5: 230}
        record = self._signed_off_record(person, signed_off_days_ago=signed_off[kind])
        if kind in (0, 1, 2):
            return record  # not yet due; due, and overdue, not started
        if kind == 3:
            self._review(record, person)
        else:
            opened = self._days_ago(record.review_due_on)
            self._review(record, person, submitted_days_ago=opened - 7)
        if kind == 5:
            with self._at(self._days_ago(record.review_due_on) - 14, hour=14):
                self._sign_off(record, person.line_manager, supervisee=person)
        return record

    def _add_evidence(self, entry, person: User, *, signed_off_on: date) -> None:
        for _ in range(self.random.randint(1, 3)):
            text, codes, judgement = self.random.choice(EVIDENCE)
            add_evidence(
                entry,
                person,
                description=text,
                occurred_on=signed_off_on + timedelta(days=self.random.randint(20, 150)),
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
        session = self._session(manager, **subject)
        approve_all_remaining(record, manager, session)
        finish_session(session, manager)

    def _return_one(self, record: Record, manager: User, **subject) -> None:
        session = self._session(manager, **subject)
        first, *rest = record.completed_entries
        return_entry(first, manager, session, self.random.choice(RETURN_COMMENTS))
        for entry in rest:
            approve_entry(entry, manager, session)
        finish_session(session, manager)

    def _draft(self, owner: User, *, days_ago: int, team: Team | None = None) -> Record:
        with self._at(days_ago, hour=9):
            record = start_record(owner, team=team)
        writers = team.members if team is not None else [owner]
        for writer in writers:
            self._write(record, writer, days_ago=days_ago, how_many=self.random.randint(2, 5))
        return record

    def _records(self, key: dict[str, User], teams: list[Team], extra: dict[str, User]) -> None:
        practitioner, manager = key["practitioner"], key["manager"]
        # The practitioner's own record was signed off six months and a few days ago, so their
        # review opened this week; their team's record is a draft to finish and submit.
        self._signed_off_record(practitioner, signed_off_days_ago=186, how_many=4)
        team_record = self._draft(key["teammate"], days_ago=12, team=teams[0])
        with self._at(4, hour=15):
            self._add_finding(team_record, practitioner, 0)
        # Waiting for the manager: the teammate's own record, submitted three days ago, and a
        # colleague's six-month review, submitted two days ago.
        teammate_record = self._draft(key["teammate"], days_ago=30)
        with self._at(3, hour=16):
            submit_record(teammate_record, key["teammate"])
        colleague = extra["colleague"]
        colleague_record = self._signed_off_record(colleague, signed_off_days_ago=205)
        self._review(colleague_record, colleague, submitted_days_ago=2)
        # The manager's own record was signed off by *their* manager, the senior; its review is
        # about ten days away (the heads-up has gone). An addendum followed a month ago.
        manager_record = self._signed_off_record(manager, signed_off_days_ago=172, how_many=4)
        with self._at(30, hour=12):
            add_addendum(
                manager_record.completed_entries[0],
                manager,
                "Since sign-off the team has agreed a shared chronology template with health.",
            )
        # Waiting for the senior: another team manager's record, submitted five days ago.
        other_manager = extra["senior_supervisee"]
        other_record = self._draft(other_manager, days_ago=40)
        with self._at(5, hour=10):
            submit_record(other_record, other_manager)
        # Everyone else: some not started, some drafts, some submitted, some signed off with
        # reviews in every state, some returned with comments.
        scripted = {*key.values(), *extra.values()}
        others = [p for p in self.people if p not in scripted and p.line_manager is not None]
        for index, person in enumerate(others):
            state = index % 4
            if state == 0:
                continue
            if state == 3 and (index // 4) % 3:
                record = self._review_scenario(person, next(self.scenarios))
                continue
            started = self.random.randint(20, 60)
            record = self._draft(person, days_ago=started)
            if index % 7 == 0:
                with self._at(started - 2, hour=13):
                    self._add_finding(record, person, 1)
            if state >= 2:
                with self._at(self.random.randint(5, 15), hour=16):
                    submit_record(record, person, sharing=DEMO_SHARING[(index // 4) % 4])
            if state == 3:
                with self._at(self.random.randint(1, 4), hour=11):
                    self._return_one(record, person.line_manager, supervisee=person)
        for index, team in enumerate(teams[1:], start=1):
            if index % 3 == 0:
                continue
            starter = team.members[0]
            record = self._draft(starter, days_ago=self.random.randint(20, 60), team=team)
            if index % 3 == 2:
                with self._at(15, hour=16):
                    submit_record(record, starter, sharing=Sharing.NAMED)
                if index % 2:
                    with self._at(8, hour=14):
                        self._sign_off(record, team.manager, team=team)
        self._import_waiting(key["admin"])

    def _import_waiting(self, admin: User) -> None:
        """Waiting for the administrator: a file of new starters, checked but not imported."""
        with self._at(1, hour=16, minute=20):
            db.session.add(
                PeopleImport(
                    uploaded_by=admin,
                    filename="new-starters-december.csv",
                    content=NEW_STARTERS_CSV,
                )
            )


# The owners' choices for the good-practice library: mostly shared, some with names.
DEMO_SHARING = [Sharing.ANONYMISED, Sharing.NAMED, Sharing.ANONYMISED, Sharing.NOT_SHARED]

RETURN_COMMENTS = [
    "Good start. Can you say by when you will do this, and how we will know it has made a "
    "difference for the children you work with?",
    "The signs of success describe what you will do rather than what will change. What would a "
    "family or a colleague notice?",
]


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

# Two new starters in the practitioner's team, for the administrator to check and import.
NEW_STARTERS_CSV = (
    "name,email,job title,agency,district,team,line manager email,roles\n"
    "Robin Carter,robin.carter@demo.test,Social worker,Children's social care,Chesterfield,"
    "Chesterfield North multi-agency team,manager@demo.test,\n"
    "Kit Adeyemi,kit.adeyemi@demo.test,School nurse,Health,Chesterfield,"
    "Chesterfield North multi-agency team,manager@demo.test,\n"
)


def load_demo_county() -> bool:
    """Build the demo county unless it is already there. True if it was built now."""
    if demo_county_loaded():
        return False
    DemoCountyBuilder().build()
    db.session.flush()
    log.info("demo county loaded")
    return True
