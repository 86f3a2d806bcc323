"""Writes of the reports app: success stories and the agreements of a meeting with a department."""

from django.db import transaction
from django.utils.translation import gettext_noop

from intake.models import Message
from intake.services import add_timeline_entry
from intake.timeline import Text

from .models import MeetingAgreement, SuccessStory


@transaction.atomic
def story_create(*, title: str, text: str, teams, cases=(), actor) -> SuccessStory:
    story = SuccessStory.objects.create(title=title, text=text, created_by=actor)
    story.teams.set(teams)
    story.cases.set(cases)
    return story


@transaction.atomic
def agreement_record(*, team, case, text: str, actor, handoff=None) -> MeetingAgreement:
    """Keep what was agreed in the meeting and put it on the case's timeline (internal)."""
    agreement = MeetingAgreement.objects.create(
        team=team, case=case, handoff=handoff, text=text, created_by=actor
    )
    add_timeline_entry(
        case=case,
        kind=Message.Kind.NOTE,
        body=Text(gettext_noop("Afspraak in overleg met %(team)s: %(text)s"), team=team, text=text),
        actor=actor,
        data={"meeting_agreement": agreement.pk},
    )
    return agreement
