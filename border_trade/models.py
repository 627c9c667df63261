"""Import every domain's models so that Alembic and the mappers see all tables."""

from .audit.models import AuditEntry  # noqa: F401
from .auth.models import ApiToken, Organisation, User  # noqa: F401
from .customs.models import CustomsDeclaration  # noqa: F401
from .documents.models import Document, IssuedPdf, RuleSet  # noqa: F401
from .equeue.models import Booking, BookingSlot, CapacitySetting, CapacityWindow  # noqa: F401
from .fleet.models import Driver, Vehicle  # noqa: F401
from .gates.models import CounterpartGate, Country, Gate, Province  # noqa: F401
from .idempotency import IdempotencyKey  # noqa: F401
from .notifications.models import Notification, NotificationPreference, Webhook, WebhookDelivery  # noqa: F401
from .origin.models import EInvoice, OriginProof  # noqa: F401
from .products.models import Product  # noqa: F401
from .province.models import LinkageGroup, Target  # noqa: F401
from .quotas.models import QuotaClaim, TariffQuota  # noqa: F401
from .receipts.models import Receipt, ReceiptLine, ReceiptLink, ReceiptPhoto  # noqa: F401
from .reference import ExchangeRate, HsCode  # noqa: F401
from .reports.models import DailyFigure, FoldedDay, FoldState, GateDayFigure, SharedTrip  # noqa: F401
from .scheduler.models import JobRun, SchedulerLease  # noqa: F401
from .shipments.models import ReferenceCounter, Shipment, ShipmentEvent, ShipmentItem  # noqa: F401
