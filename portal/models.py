"""Imports every model, so the metadata (for migrations and the models-versus-migrations test) is complete."""

from portal.accounts.models import PanelMembership, SignInToken, User, UserRole
from portal.applications.models import Application, CostLine, JourneyCount, JourneyMark, Letter
from portal.assetmap.models import (
    BuilderPatch,
    MapConnector,
    MapEntry,
    MapEntryChange,
    MapEntryUse,
    ResidentProfile,
)
from portal.awards.models import Award
from portal.common.audit import AuditEvent
from portal.common.email import OutboxMessage
from portal.common.jobs import FailedJob
from portal.insight.models import InstitutionalChange, Report, ReportStory
from portal.insight.reach import AboutYou, ReachRelease, ReachSettings
from portal.opendata.models import OpenDataSettings, PublishedGrantPrefix
from portal.panels.models import Decision, IdeaTranslation, Interest, PanelView
from portal.payments.models import PayeeDetailChange, PayeeDetails, Payment, PaymentExport, PaymentRun
from portal.programme.models import Neighbourhood, Pot, PotQuestion, ProgrammeText, QuestionAnswer
from portal.retention.models import DataCopy, RetentionRules
from portal.stories.models import Story, StoryInvitation, StoryPhoto

__all__ = [
    "AboutYou",
    "Application",
    "Award",
    "BuilderPatch",
    "AuditEvent",
    "CostLine",
    "DataCopy",
    "Decision",
    "FailedJob",
    "IdeaTranslation",
    "InstitutionalChange",
    "Interest",
    "JourneyCount",
    "JourneyMark",
    "Letter",
    "MapConnector",
    "MapEntry",
    "MapEntryChange",
    "MapEntryUse",
    "Neighbourhood",
    "OpenDataSettings",
    "OutboxMessage",
    "PanelView",
    "ReachRelease",
    "ReachSettings",
    "Report",
    "ReportStory",
    "PayeeDetailChange",
    "PayeeDetails",
    "Payment",
    "PaymentExport",
    "PaymentRun",
    "PublishedGrantPrefix",
    "PanelMembership",
    "Pot",
    "PotQuestion",
    "ProgrammeText",
    "QuestionAnswer",
    "ResidentProfile",
    "RetentionRules",
    "SignInToken",
    "Story",
    "StoryInvitation",
    "StoryPhoto",
    "User",
    "UserRole",
]
