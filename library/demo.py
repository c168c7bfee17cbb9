"""Library demo content: the first entries the program's own material names, the 21st Century
Policing framework from its CSV, and a little city activity (tracking, an adoption, a submission).

The entries are written in the app's own words from what is publicly known of each practice. They
claim no figures and no results: where no outcome is documented they say so, and the cities are
invited to add what they know through a submission.
Idempotent: running it twice changes nothing.
"""

from datetime import timedelta
from pathlib import Path

from django.utils import timezone

from . import services
from .models import (
    Adoption,
    AdoptionStatus,
    Audience,
    EvidenceLevel,
    Framework,
    FrameworkItem,
    FrameworkStatusChoice,
    Kind,
    Resource,
    ResourceStatus,
    Submission,
    Topic,
)

DATA = Path(__file__).resolve().parent / "data"
FRAMEWORK_SLUG = "21cp"
NO_OUTCOME = "Outcome not yet documented."

ENTRIES = [
    {
        "slug": "tacoma-project-peace",
        "title": "Project PEACE (Tacoma, WA)",
        "kind": Kind.CASE_STUDY,
        "place": "Tacoma, WA",
        "summary": "Tacoma's Project PEACE brings the police department and the community together in "
        "conversation to build trust. The national program names it as an example for other cities.",
        "body": (
            "## What the city did\n\nTacoma set up Project PEACE as a way for residents, community "
            "leaders and the police department to meet and talk about policing and trust in the city.\n\n"
            "## With whom\n\nThe city, its police department and members of the community.\n\n"
            "## What came of it\n\n" + NO_OUTCOME + " If you work in Tacoma, tell the network what "
            "came of it through a submission."
        ),
        "topics": [Topic.CONVERSATIONS, Topic.TRUST],
        "audiences": [Audience.POLICE, Audience.RESIDENTS, Audience.COMMUNITY_ORGS, Audience.CITY_GOVERNMENT],
        "framework": ["1.1", "4.1"],
    },
    {
        "slug": "st-paul-community-ambassadors",
        "title": "Community ambassador program (St. Paul, MN)",
        "kind": Kind.CASE_STUDY,
        "place": "Saint Paul, MN",
        "summary": "St. Paul's community ambassadors are people from the community who reach out to "
        "residents, young people above all, and work alongside the city and its police to prevent harm.",
        "body": (
            "## What the city did\n\nSt. Paul engages community members as ambassadors who build "
            "relationships in neighbourhoods and connect residents, especially young people, with "
            "support.\n\n## With whom\n\nThe city, community members working as ambassadors, and the "
            "police department.\n\n## What came of it\n\n" + NO_OUTCOME
        ),
        "topics": [Topic.YOUTH, Topic.VIOLENCE, Topic.COMMUNITY_POLICING],
        "audiences": [Audience.YOUTH, Audience.RESIDENTS, Audience.POLICE, Audience.COMMUNITY_ORGS],
        "framework": ["4.1"],
    },
    {
        "slug": "roanoke-police-youth-basketball",
        "title": "Police and youth basketball (Roanoke, VA)",
        "kind": Kind.CASE_STUDY,
        "place": "Roanoke, VA",
        "summary": "Roanoke brings police officers and young people together on the basketball court, "
        "so that they meet outside of enforcement.",
        "body": (
            "## What the city did\n\nRoanoke runs basketball that puts police officers and young people "
            "on the court together: a regular, informal way to get to know each other.\n\n"
            "## Why it matters\n\nThe President's Task Force on 21st Century Policing recommends "
            "creating opportunities in schools and communities for positive nonenforcement interactions "
            "with police (action item 1.5.3).\n\n## What came of it\n\n" + NO_OUTCOME
        ),
        "topics": [Topic.YOUTH, Topic.TRUST],
        "audiences": [Audience.YOUTH, Audience.POLICE],
        "framework": ["1.5.3"],
    },
    {
        "slug": "rochester-books-and-bears",
        "title": "Books and Bears (Rochester)",
        "kind": Kind.CASE_STUDY,
        "place": "Rochester",
        "summary": "Rochester's Books and Bears program is named by the national program as an example "
        "of police and community building ties with children and families.",
        "body": (
            "## What we know\n\nThe national program's material names Rochester's Books and Bears "
            "program among the practices cities can learn from. This entry records no more than that: "
            "the description, partners and results are for Rochester to add.\n\n"
            "## What came of it\n\n" + NO_OUTCOME
        ),
        "topics": [Topic.LITERACY, Topic.TRUST, Topic.YOUTH],
        "audiences": [Audience.YOUTH, Audience.POLICE, Audience.EDUCATION],
        "framework": ["1.5.3"],
    },
    {
        "slug": "pittsburgh-omi-and-cprb-complaints",
        "title": "Handling complaints together: the Office of Municipal Investigations and the Citizen "
        "Police Review Board (Pittsburgh, PA)",
        "kind": Kind.CASE_STUDY,
        "place": "Pittsburgh, PA",
        "summary": "In Pittsburgh, the city's Office of Municipal Investigations and the independent "
        "Citizen Police Review Board work with each other on complaints about police conduct.",
        "body": (
            "## What the city did\n\nPittsburgh has two bodies that receive complaints about police: "
            "the Office of Municipal Investigations, part of city government, and the Citizen Police "
            "Review Board, an independent civilian board. The national program names their working "
            "together on complaints as an example for other cities.\n\n"
            "## Questions to ask in your city\n\n- Who receives a resident's complaint, and can it be "
            "made to either body?\n- How do the bodies share what they learn?\n- How is the resident "
            "told what happened?\n\n## What came of it\n\n" + NO_OUTCOME
        ),
        "topics": [Topic.OVERSIGHT, Topic.TRUST],
        "audiences": [Audience.CITY_GOVERNMENT, Audience.POLICE, Audience.RESIDENTS],
        "framework": ["2.8"],
    },
    {
        "slug": "guide-community-conversations-on-race",
        "title": "A guide to community conversations on race",
        "kind": Kind.GUIDE,
        "place": "",
        "summary": "How a city plans and holds a community conversation on race: who to invite, how to "
        "set the room, the role of facilitators, and how to keep the relationships going afterwards.",
        "body": (
            "## Before\n\n- Decide what the conversation is for, and say it plainly in the invitation.\n"
            "- Invite across the city: residents of every neighbourhood, police officers, faith "
            "leaders, young people, advocates and city officials. Notice whose voice is missing.\n"
            "- Choose trained facilitators and agree the ground rules with them.\n\n"
            "## During\n\n- Small groups, each with a facilitator; everyone speaks and is heard.\n"
            "- Record what people propose and what is promised, and by whom.\n\n"
            "## After\n\n- Write back to everyone who came.\n- Turn promises into commitments with an "
            "owner and a date, and follow them up in standing meetings.\n- Hold the next conversation: "
            "relationships need to be established before a crisis.\n\n"
            "This guide is the network's own advice; it reports no measured outcome."
        ),
        "topics": [Topic.CONVERSATIONS, Topic.TRUST],
        "audiences": [
            Audience.CITY_GOVERNMENT,
            Audience.RESIDENTS,
            Audience.FAITH,
            Audience.POLICE,
            Audience.COMMUNITY_ORGS,
        ],
        "framework": ["1.1", "4.1"],
    },
    {
        "slug": "task-force-21st-century-policing-final-report",
        "title": "Final Report of the President's Task Force on 21st Century Policing",
        "kind": Kind.RESEARCH,
        "place": "",
        "link": "https://cops.usdoj.gov/pdf/taskforce/taskforce_finalreport.pdf",
        "summary": "The 2015 report of the task force the President set up to recommend how policing can "
        "build trust with the communities it serves while reducing crime. Its recommendations are "
        "organised in six pillars.",
        "body": (
            "The task force's final report (May 2015) is organised in six pillars: building trust and "
            "legitimacy; policy and oversight; technology and social media; community policing and "
            "crime reduction; training and education; and officer wellness and safety. Each pillar has "
            "recommendations and action items.\n\n"
            "Cities in the network track their reforms against it: see the **21st Century Policing** "
            "framework in the library. The framework there says how many of the report's items are "
            "loaded so far."
        ),
        "topics": [Topic.POLICY, Topic.TRUST, Topic.COMMUNITY_POLICING, Topic.TRAINING, Topic.WELLNESS],
        "audiences": [Audience.POLICE, Audience.CITY_GOVERNMENT, Audience.RESEARCHERS],
        "framework": ["1.1", "1.3", "2.2.4"],
    },
    {
        "slug": "white-house-police-data-initiative",
        "title": "The White House Police Data Initiative",
        "kind": Kind.POLICY,
        "place": "",
        "link": "https://www.policedatainitiative.org/",
        "summary": "A national initiative, launched by the White House in 2015, in which police "
        "agencies commit to publish data about their work, such as stops, use of force and "
        "complaints, so that residents can see it.",
        "body": (
            "The Police Data Initiative grew out of the President's Task Force on 21st Century "
            "Policing, which recommends that agencies regularly publish data about stops, summonses, "
            "arrests and other police activity, broken down by demographics (action item 1.3.1).\n\n"
            "For a city in the network it is a model for opening its own police data: the police data "
            "section of this app helps a city publish disaggregated figures."
        ),
        "topics": [Topic.POLICE_DATA, Topic.TRUST],
        "audiences": [Audience.POLICE, Audience.CITY_GOVERNMENT, Audience.RESEARCHERS, Audience.RESIDENTS],
        "framework": ["1.3.1"],
    },
]


def load_framework() -> Framework:
    framework = Framework.objects.filter(slug=FRAMEWORK_SLUG).first()
    if framework is None:
        framework = services.framework_create(
            name="21st Century Policing",
            slug=FRAMEWORK_SLUG,
            description="Recommendations and action items of the Final Report of the President's Task Force "
            "on 21st Century Policing (May 2015): 6 pillars, 59 recommendations, 92 action items and 2 "
            "overarching recommendations. The loaded file holds only the items whose text could be "
            "confirmed; curators add the rest from the report.",
            source_url="https://cops.usdoj.gov/pdf/taskforce/taskforce_finalreport.pdf",
            expected_items=153,
        )
    services.framework_load_csv(framework=framework, data=(DATA / "21cp_recommendations.csv").read_bytes())
    return framework


def seed(ctx: dict) -> None:
    curator = ctx["curator"]
    framework = load_framework()
    items = {i.number: i for i in FrameworkItem.objects.filter(framework=framework)}
    resources = {}
    for spec in ENTRIES:
        spec = dict(spec)
        numbers = spec.pop("framework")
        existing = Resource.objects.filter(slug=spec["slug"]).first()
        if existing is None:
            existing = services.resource_create(
                by=curator,
                evidence_level=EvidenceLevel.ANECDOTAL,
                review_by=timezone.localdate() + timedelta(days=365),
                framework_items=[items[n] for n in numbers if n in items],
                **spec,
            )
            services.resource_transition(resource=existing, to=ResourceStatus.IN_REVIEW, by=curator)
            existing = services.resource_transition(
                resource=existing, to=ResourceStatus.PUBLISHED, by=curator
            )
        resources[spec["slug"]] = existing
    cities = ctx["cities"]
    riverton, harbor = cities["riverton-mi"], cities["harbor-point-wa"]
    lead = ctx["users"][("riverton-mi", "lead")]
    if not Adoption.objects.for_city(riverton).exists():
        services.adoption_set(
            city=riverton,
            resource=resources["guide-community-conversations-on-race"],
            status=AdoptionStatus.ADOPTING,
            notes="Using the guide to plan the first citywide conversation.",
            by=lead,
        )
    for number, status in (
        ("1.1", FrameworkStatusChoice.CONSIDERING),
        ("1.3.1", FrameworkStatusChoice.IN_PROGRESS),
    ):
        if number in items:
            services.city_framework_status_set(
                city=riverton, item=items[number], status=status, notes="Demo status.", by=lead
            )
    harbor_lead = ctx["users"][("harbor-point-wa", "lead")]
    if not Submission.objects.for_city(harbor).exists():
        services.submission_create(
            city=harbor,
            by=harbor_lead,
            title="Coffee with a cop at the ferry terminal (demo)",
            summary="A fictional demo submission: officers and commuters meet for coffee once a month.",
            what_we_did="A demo entry for trying out the curators' review of city submissions.",
            partners="Ferry operator (fictional).",
            how_it_went="",
            topics=[Topic.TRUST],
        )
    ctx.setdefault("logins", [])
