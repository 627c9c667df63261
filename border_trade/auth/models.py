"""Organisations, users, roles and API tokens."""

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates
from stdnum.vn import mst

from ..enums import Role, StrEnum, enum_column
from ..extensions import db
from ..gates.models import Gate, Province
from ..types import UTCDateTime, utcnow


class OrganisationKind(StrEnum):
    EXPORTER = "exporter"
    COOPERATIVE = "cooperative"
    CONSIGNEE = "consignee"
    DEPARTMENT = "department"

    @classmethod
    def labels(cls):
        return {
            cls.EXPORTER: _l("Exporter"),
            cls.COOPERATIVE: _l("Cooperative"),
            cls.CONSIGNEE: _l("Consignee"),
            cls.DEPARTMENT: _l("Provincial department"),
        }


class Organisation(db.Model):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    name_km: Mapped[str | None] = mapped_column(sa.String(200))
    kind: Mapped[OrganisationKind] = mapped_column(enum_column(OrganisationKind, 20))
    country_code: Mapped[str] = mapped_column(sa.ForeignKey("countries.code"), default="VN")
    tax_id: Mapped[str | None] = mapped_column(sa.String(20))
    province_id: Mapped[int | None] = mapped_column(sa.ForeignKey("provinces.id"))
    address: Mapped[str | None] = mapped_column(sa.String(300))
    email: Mapped[str | None] = mapped_column(sa.String(200))
    phone: Mapped[str | None] = mapped_column(sa.String(40))
    # ATIGA self-certification (#18): the certified exporter's authorisation code prints the origin declaration
    certified_exporter_code: Mapped[str | None] = mapped_column(sa.String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    province: Mapped[Province | None] = relationship()

    __table_args__ = (sa.UniqueConstraint("country_code", "tax_id", name="uq_organisations_country_tax_id"),)

    @validates("tax_id")
    def _validate_tax_id(self, key, value):
        if value and (self.country_code or "VN") == "VN":
            # raises stdnum's ValidationError subclasses with a reason; callers turn it into a 422
            return mst.validate(value)
        return value or None

    def __repr__(self):
        return f"<Organisation {self.id} {self.name!r}>"


user_gates = sa.Table(
    "user_gates",
    db.metadata,
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("gate_id", sa.ForeignKey("gates.id", ondelete="CASCADE"), primary_key=True),
)


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[Role] = mapped_column(enum_column(Role, 20))
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    province_id: Mapped[int | None] = mapped_column(sa.ForeignKey("provinces.id"))
    locale: Mapped[str | None] = mapped_column(sa.String(5))
    is_active_account: Mapped[bool] = mapped_column("is_active", default=True)
    email_notices: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    session_version: Mapped[int] = mapped_column(default=1)

    organisation: Mapped[Organisation | None] = relationship()
    province: Mapped[Province | None] = relationship()
    gates: Mapped[list[Gate]] = relationship(secondary=user_gates, order_by=Gate.code)

    @validates("email")
    def _normalise_email(self, key, value):
        return value.strip().lower()

    @property
    def is_active(self):
        return self.is_active_account

    def get_id(self):
        # changing session_version (password change, deactivation) signs out every session
        return f"{self.id}:{self.session_version}"

    def __repr__(self):
        return f"<User {self.email} {self.role}>"


class ApiToken(db.Model):
    """A bearer token; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    prefix: Mapped[str] = mapped_column(sa.String(12))
    name: Mapped[str | None] = mapped_column(sa.String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_from: Mapped[str | None] = mapped_column(sa.String(64))

    user: Mapped[User] = relationship()

    def is_usable(self, now):
        return self.revoked_at is None and self.expires_at > now

    def __repr__(self):
        return f"<ApiToken {self.prefix} user={self.user_id}>"


class UserSession(db.Model):
    """A signed-in browser session; the session cookie carries its random id, only the SHA-256 is stored.

    Signing out deletes the row, so a copy of the cookie taken before opens nothing afterwards.
    """

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self):
        return f"<UserSession {self.id} user={self.user_id}>"


class SignInFailure(db.Model):
    """Failed sign-ins for one account from one address; enough of them lock that pair for a growing time."""

    __tablename__ = "sign_in_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254))
    address: Mapped[str] = mapped_column(sa.String(64))
    failures: Mapped[int] = mapped_column(default=0)
    failed_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (sa.UniqueConstraint("email", "address", name="uq_sign_in_failures_email_address"),)

    def __repr__(self):
        return f"<SignInFailure {self.email} from {self.address}: {self.failures}>"
