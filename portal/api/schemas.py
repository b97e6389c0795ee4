"""What the API returns, as marshmallow schemas: flask-smorest writes the OpenAPI document from them."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from portal.common.paging import MAX_PAGE


class PageArgs(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=MAX_PAGE), metadata={"example": 1})


class Page(Schema):
    page = fields.Integer(required=True)
    pages = fields.Integer(required=True)
    total = fields.Integer(required=True, metadata={"description": "How many there are across all pages"})


class Named(Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)


class Location(Schema):
    name = fields.String(required=True)
    geoCode = fields.String(required=True, metadata={"description": "ONS code of the ward or council area"})
    geoCodeType = fields.String(required=True)
    countryCode = fields.String(required=True)


class Programme(Schema):
    code = fields.String(required=True)
    title = fields.String(required=True)


class ToIndividuals(Schema):
    primaryGrantReason = fields.String(required=True, metadata={"description": "A GTIR code"})
    grantPurpose = fields.List(fields.String(), required=True, metadata={"description": "GTIP codes"})


class Grant(Schema):
    """An awarded grant in the 360Giving Data Standard (as in /open-data/grants.json)."""

    id = fields.String(required=True)
    title = fields.String(required=True)
    description = fields.String(required=True)
    currency = fields.String(required=True, metadata={"example": "GBP"})
    # Passed through as the open-data file writes them: pounds made exactly from integer pence at that boundary
    # (portal.domain.open_data.amount), a whole number where there are no pence. No float arithmetic here.
    amountAwarded = fields.Raw(required=True, metadata={"type": "number", "description": "Pounds"})
    amountDisbursed = fields.Raw(metadata={"type": "number", "description": "Pounds paid so far"})
    awardDate = fields.String(required=True, metadata={"format": "date"})
    recipientIndividual = fields.Nested(Named)
    recipientOrganization = fields.List(fields.Nested(Named))
    toIndividualsDetails = fields.Nested(ToIndividuals)
    beneficiaryLocation = fields.List(fields.Nested(Location))
    fundingOrganization = fields.List(fields.Nested(Named), required=True)
    grantProgramme = fields.List(fields.Nested(Programme), required=True)
    fromOpenCall = fields.String(required=True)
    dateModified = fields.String(required=True, metadata={"format": "date-time"})


class GrantPage(Page):
    grants = fields.List(fields.Nested(Grant), required=True)


class Photo(Schema):
    large = fields.String(required=True, metadata={"description": "Address of the photo, 1600 px wide at most"})
    small = fields.String(required=True, metadata={"description": "Address of the photo, 480 px wide at most"})
    alt = fields.String(required=True, metadata={"description": "The resident's description of the photo"})
    width = fields.Integer(allow_none=True)
    height = fields.Integer(allow_none=True)


class Story(Schema):
    """A story a resident allowed the public to read, as published (no names)."""

    id = fields.Integer(required=True)
    title = fields.String(required=True)
    text = fields.String(required=True)
    neighbourhood = fields.String(required=True)
    published_at = fields.DateTime(required=True)
    url = fields.String(required=True)
    photos = fields.List(fields.Nested(Photo), required=True)


class StoryPage(Page):
    stories = fields.List(fields.Nested(Story), required=True)


class PotTotals(Schema):
    id = fields.Integer(required=True)
    pot = fields.String(required=True)
    neighbourhood = fields.String(required=True)
    budget_pence = fields.Integer(required=True)
    awarded_pence = fields.Integer(required=True, metadata={"description": "Promised to ideas, paid or not"})
    paid_pence = fields.Integer(required=True)
    remaining_pence = fields.Integer(required=True, metadata={"description": "Budget not yet awarded"})


class PotList(Schema):
    pots = fields.List(fields.Nested(PotTotals), required=True)


class Index(Schema):
    grants = fields.String(required=True)
    stories = fields.String(required=True)
    pots = fields.String(required=True)
    openapi = fields.String(required=True)
