"""Every model of every area, imported in one place for Alembic and the tests."""

from desk.api.models import ApiKey
from desk.audit.models import AuditEvent, AuditHead
from desk.auth.models import StaffUser
from desk.cases.models import Case, CaseExtension, CaseNote, CasePause, Requester, RequestItem
from desk.consent.models import ConsentDroppedPurpose, ConsentRecord, ConsentSignup, ConsentState
from desk.decisions.models import Approval, DataSearch
from desk.delivery.models import DeliveryPackage
from desk.fees.models import FeePayment
from desk.identity.models import Document, Verification
from desk.inquiries.models import Inquiry, InquiryAttachment, InquiryCase
from desk.intake.models import IntakeSend
from desk.letters.models import Letter
from desk.provisions.models import Counterparty, ProvisionRecord, RecordBucket
from desk.retention.models import DisposalRun, DisposedCase, LegalHold
from desk.settings.models import Setting
from desk.suppression.models import ScreeningFile, ScreeningRun, SuppressionEntry
from desk.throttle import ThrottleCounter

__all__ = [
    "ApiKey",
    "AuditEvent",
    "AuditHead",
    "StaffUser",
    "Case",
    "CaseExtension",
    "CaseNote",
    "CasePause",
    "RequestItem",
    "Requester",
    "FeePayment",
    "DeliveryPackage",
    "Document",
    "IntakeSend",
    "Letter",
    "Setting",
    "ScreeningFile",
    "ScreeningRun",
    "SuppressionEntry",
    "Approval",
    "DataSearch",
    "Verification",
    "LegalHold",
    "DisposalRun",
    "DisposedCase",
    "ThrottleCounter",
    "Counterparty",
    "ProvisionRecord",
    "RecordBucket",
    "ConsentRecord",
    "ConsentSignup",
    "ConsentDroppedPurpose",
    "ConsentState",
    "Inquiry",
    "InquiryAttachment",
    "InquiryCase",
]
