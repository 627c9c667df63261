"""API shapes for tokens and the caller's scope."""

from marshmallow import fields, validate

from ..api.pagination import PageQuerySchema
from ..api.schemas import BaseSchema, Range
from .models import Role


class TokenRequestSchema(BaseSchema):
    email = fields.String(required=True, validate=validate.Length(min=1, max=254))
    password = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=1000))
    name = fields.String(
        validate=validate.Length(max=100), metadata={"description": "A label to recognise the token by later"}
    )


class ScopeOrganisationSchema(BaseSchema):
    id = fields.Integer()
    name = fields.String()


class ScopeSchema(BaseSchema):
    all = fields.Boolean(metadata={"description": "True for administrators: every organisation, gate and province"})
    organisation = fields.Nested(ScopeOrganisationSchema, allow_none=True, metadata={"description": "Exporters"})
    province = fields.String(allow_none=True, metadata={"description": "Province officers and viewers"})
    provinces = fields.List(
        fields.String(), metadata={"description": "The province and every former province merged into it"}
    )
    gates = fields.List(fields.String(), metadata={"description": "Gate codes the caller works at or oversees"})


class TokenIssuedSchema(BaseSchema):
    token = fields.String(metadata={"description": "The bearer token; shown only this once"})
    expires_at = fields.AwareDateTime()
    role = fields.Enum(Role, by_value=True)
    scope = fields.Nested(ScopeSchema)
    id = fields.Integer(metadata={"description": "Pass it to DELETE /api/v1/auth/tokens/{id} to revoke the token"})


class ApiTokenSchema(BaseSchema):
    id = fields.Integer()
    name = fields.String(allow_none=True)
    prefix = fields.String(metadata={"description": "The token's first characters, to recognise it"})
    created_at = fields.AwareDateTime()
    expires_at = fields.AwareDateTime()
    revoked_at = fields.AwareDateTime(allow_none=True)
    last_used_at = fields.AwareDateTime(allow_none=True)
    created_from = fields.String(allow_none=True, metadata={"description": "The address that requested it"})
    user_id = fields.Integer()


class TokenQuerySchema(PageQuerySchema):
    user = fields.Integer(
        validate=Range(min=1, max=2**31 - 1), metadata={"description": "Administrators: list another user's tokens"}
    )
    active = fields.Boolean(metadata={"description": "Only usable (true) or only revoked and expired (false) tokens"})
