"""Column types shared by every domain (aware UTC datetimes, exact money) and the parsing of ids."""

from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import BigInteger, DateTime, Numeric
from sqlalchemy.types import TypeDecorator

MAX_ID = 2**31 - 1


def utcnow():
    """Return the current time as an aware UTC datetime."""
    return datetime.now(UTC)


def ascii_id(text):
    """Return the database id (1..MAX_ID) that `text` spells in ASCII digits, else None.

    `str.isdigit()` is no test for an id: `"³".isdigit()` holds but `int("³")` fails, and `int("٣") == 3`.
    """
    text = str(text)
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(MAX_ID)):
        return None
    value = int(text)
    return value if 0 < value <= MAX_ID else None


class UTCDateTime(TypeDecorator):
    """Store aware datetimes in UTC; hand back aware UTC datetimes on every backend."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime refused: store timezone-aware datetimes")
        value = value.astimezone(UTC)
        # SQLite has no time zone type: keep the UTC wall time.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class ScaledDecimal(TypeDecorator):
    """Exact decimal with a fixed scale that never goes through float.

    PostgreSQL stores NUMERIC; SQLite, which has no exact decimal type, stores the value as an integer
    count of the smallest unit, so sums computed in SQL stay exact there too.
    """

    impl = Numeric
    cache_ok = True
    precision = 18
    scale = 2

    def load_dialect_impl(self, dialect):
        if dialect.name == "sqlite":
            return dialect.type_descriptor(BigInteger())
        return dialect.type_descriptor(Numeric(self.precision, self.scale, asdecimal=True))

    @property
    def quantum(self):
        return Decimal(1).scaleb(-self.scale)

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if isinstance(value, float):
            raise TypeError("float refused for exact amounts: use Decimal or str")
        value = Decimal(value).quantize(self.quantum)
        return int(value.scaleb(self.scale)) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if dialect.name == "sqlite":
            return Decimal(int(value)).scaleb(-self.scale).quantize(self.quantum)
        return Decimal(value).quantize(self.quantum)

    def coerce_compared_value(self, op, value):
        return self


class Money(ScaledDecimal):
    """Money amount with two decimals; its currency lives in a sibling column."""

    cache_ok = True


class Weight(ScaledDecimal):
    """Kilograms with three decimals."""

    cache_ok = True
    precision = 14
    scale = 3


class Rate(ScaledDecimal):
    """Exchange rate with six decimals."""

    cache_ok = True
    scale = 6
