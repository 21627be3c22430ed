"""Consent: authorization documents, signatures, the service upgrade, and its gates.

The law (征信业管理条例 arts. 13, 18, 19, 29) lets a lender query a person's credit report or
report their accounts only with the person's written authorization. Here:

* an **authorization document** (授权书) is a versioned text stored whole with its SHA-256; it
  names its scope (query, report or both), the bureaus it covers, and how long a signature
  lasts (a number of months, or until the line closes);
* a **signature** binds one subject to one version and hash, through a channel, at an
  instant. It is never edited. A newer version does not extend an older signature: each
  signature covers exactly what its own version says;
* a **campaign** (the 2021 "service upgrade") asks a cohort of subjects to sign a document by a
  deadline. The cohort is a stable hash of the subject into 10,000 buckets; the rollout
  percentage only grows. A subject reached late gets the same grace the first cohort had: their
  own deadline is ``max(deadline, reached_on + (deadline - notice_on))``. Before it the
  subject is prompted but may spend; after it purchases and new loans are refused, while
  repayments, refunds and closure always work;
* **closure ends consent**: when a subject's last open line closes, every signature they hold
  is revoked at that instant.

What a revoked or lapsed authorization still allows (the rule chosen): a subject can only
revoke by closing, and a line closes only when nothing is owed (a queued closure keeps the
authorization until the payoff closes it), so no debt remains unreported. The closure record
itself is the one record furnished after revocation. When a time-limited signature lapses,
queries and records for that subject stop until the subject signs again; the furnisher logs
each record it holds back.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time
from enum import StrEnum

from sqlalchemy import ColumnElement, bindparam, select
from sqlalchemy.orm import Session

from zhengxin.codes import Bureau, IdType
from zhengxin.kernel.clock import Clock, add_months, business_date, china_time, stored_instant
from zhengxin.kernel.errors import Conflict, InvalidInput, NotFound, Refused
from zhengxin.kernel.identity import ResidentId
from zhengxin.kernel.log import get_logger
from zhengxin.lender.checks import check_name
from zhengxin.lender.models import (
    AuthorizationDocument,
    Campaign,
    CampaignStage,
    CreditLine,
    Revocation,
    Signature,
    Subject,
)
from zhengxin.lender.repository import LenderRepository

log = get_logger(__name__)

BUCKETS = 10_000
CHANNELS = ("app", "web", "sms", "paper", "counter")
_CODE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{0,39}$")


class Scope(StrEnum):
    """What a document authorizes."""

    QUERY = "query"
    REPORT = "report"
    BOTH = "both"

    def covers(self, wanted: Scope) -> bool:
        """Whether this scope includes ``wanted``.

        >>> Scope.BOTH.covers(Scope.QUERY), Scope.REPORT.covers(Scope.QUERY)
        (True, False)
        """
        return self is Scope.BOTH or self is wanted

    @classmethod
    def parse(cls, text: str) -> Scope:
        try:
            return cls(text)
        except ValueError:
            raise InvalidInput(
                "consent.scope", f"{text!r} is not a scope; use query, report or both"
            ) from None


def text_hash(text: str) -> str:
    """The SHA-256 of a document's text (UTF-8), as hex.

    >>> text_hash("授权")[:12]
    '6cf2531ab111'
    """
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def cohort_bucket(campaign: str, id_number: str) -> int:
    """The subject's stable place (0-9999) in a campaign's rollout.

    >>> cohort_bucket("UPGRADE2021", "11010519491231002X") == cohort_bucket(
    ...     "UPGRADE2021", "11010519491231002X")
    True
    """
    digest = hashlib.sha256(f"{campaign}|{id_number}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % BUCKETS


@dataclass(frozen=True, slots=True)
class AuthorizationRef:
    """What an inquiry carries to prove its authorization: the signature's reference, the
    signed text's hash, the signing date and the scope."""

    reference: str
    signature_id: int
    document: str
    document_sha256: str
    signed_on: date
    scope: Scope
    bureaus: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Prompt:
    """A campaign asking the subject to sign: shown until they do, blocking after ``deadline``."""

    campaign: str
    document: str
    title: str
    reached_on: date
    deadline: date
    blocked: bool


@dataclass(frozen=True, slots=True)
class ConsentEvent:
    """One line of a subject's consent history."""

    at: datetime
    event: str
    document: str
    detail: str


@dataclass(frozen=True, slots=True)
class CampaignProgress:
    """Where a campaign stands on a day."""

    campaign: str
    percent: int
    subjects: int
    reached: int
    signed: int
    prompted: int
    blocked: int
    closed: int


@dataclass(frozen=True, slots=True)
class Stage:
    """From ``effective_on``, a campaign reaches ``percent`` of subjects."""

    percent: int
    effective_on: date


def reached_on(campaign: str, id_number: str, stages: Iterable[Stage], day: date) -> date | None:
    """The day a campaign's rollout first reached the subject, as of ``day`` (None: not yet):
    the first stage begun by ``day`` whose share covers the subject's cohort bucket.

    >>> stages = [Stage(1, date(2025, 3, 1)), Stage(100, date(2025, 5, 1))]
    >>> reached_on("UP", "11010519491231002X", stages, date(2025, 6, 1))
    datetime.date(2025, 5, 1)
    >>> reached_on("UP", "11010519491231002X", stages, date(2025, 4, 1)) is None
    True
    """
    bucket = cohort_bucket(campaign, id_number)
    for stage in sorted(stages, key=lambda s: s.percent):
        if stage.effective_on <= day and bucket < stage.percent * BUCKETS // 100:
            return stage.effective_on
    return None


@dataclass(frozen=True, slots=True)
class _CampaignView:
    code: str
    document_code: str
    document_version: int
    title: str
    notice_on: date
    deadline: date
    stages: tuple[Stage, ...]

    def reached_on(self, id_number: str, day: date) -> date | None:
        return reached_on(self.code, id_number, self.stages, day)

    def own_deadline(self, reached_on: date) -> date:
        return max(self.deadline, reached_on + (self.deadline - self.notice_on))


class Consent:
    """The lender's consent register over its own database. Never commits."""

    def __init__(self, session: Session, clock: Clock) -> None:
        self.session = session
        self.clock = clock
        self.repo = LenderRepository(session)
        self._campaigns: tuple[date, list[_CampaignView]] | None = None

    # -- documents --------------------------------------------------------------------------

    def publish(
        self,
        code: str,
        version: int,
        title: str,
        text: str,
        scope: str | Scope,
        bureaus: Iterable[str],
        validity_months: int | None = None,
    ) -> AuthorizationDocument:
        """Publish a new version of a document; versions of one code only go up."""
        if not _CODE.match(code):
            raise InvalidInput(
                "consent.document_code",
                f"{code!r} is not a document code (capitals, digits, '-' or '_', up to 40)",
            )
        if version < 1:
            raise InvalidInput("consent.version", f"version must be 1 or more, not {version}")
        if not title.strip() or not text.strip():
            raise InvalidInput("consent.empty", "a document needs a title and a text")
        kind = scope if isinstance(scope, Scope) else Scope.parse(scope)
        covered = sorted({Bureau.parse(b).value for b in bureaus})
        if not covered:
            raise InvalidInput("consent.no_bureau", "a document must name at least one bureau")
        if validity_months is not None and not 1 <= validity_months <= 600:
            raise InvalidInput(
                "consent.validity", f"validity must be 1-600 months, not {validity_months}"
            )
        latest = self.session.scalar(
            select(AuthorizationDocument.version)
            .where(AuthorizationDocument.code == code)
            .order_by(AuthorizationDocument.version.desc())
            .limit(1)
        )
        if latest is not None and version <= latest:
            raise Conflict(
                "consent.version_exists",
                f"document {code} already has version {latest}; publish version {latest + 1}",
            )
        document = AuthorizationDocument(
            code=code,
            version=version,
            title=title.strip(),
            text=text,
            sha256=text_hash(text),
            scope=kind.value,
            bureaus=",".join(covered),
            validity_months=validity_months,
            published_at=self.clock.now(),
        )
        self.session.add(document)
        self.session.flush()
        log.info("consent.published", document=code, version=version, sha256=document.sha256)
        return document

    def document(self, code: str, version: int | None = None) -> AuthorizationDocument:
        """A published version (the latest when ``version`` is None)."""
        query = select(AuthorizationDocument).where(AuthorizationDocument.code == code)
        if version is not None:
            query = query.where(AuthorizationDocument.version == version)
        found = self.session.scalar(query.order_by(AuthorizationDocument.version.desc()).limit(1))
        if found is None:
            which = f"{code} version {version}" if version is not None else code
            raise NotFound("consent.unknown_document", f"no authorization document {which}")
        return found

    def documents(self) -> Sequence[AuthorizationDocument]:
        return self.session.scalars(
            select(AuthorizationDocument).order_by(
                AuthorizationDocument.code, AuthorizationDocument.version
            )
        ).all()

    # -- signatures -------------------------------------------------------------------------

    def sign(
        self,
        id_number: str,
        name: str,
        code: str,
        version: int,
        sha256: str,
        channel: str = "app",
    ) -> Signature:
        """The subject signs one version, presenting the hash of the text they were shown."""
        subject = self.subject_for(id_number, name)
        document = self.document(code, version)
        if sha256.strip().lower() != document.sha256:
            raise Refused(
                "consent.hash_mismatch",
                f"the text signed does not match {code} version {version} "
                f"(expected SHA-256 {document.sha256[:12]}…, got {sha256[:12]}…)",
            )
        if channel not in CHANNELS:
            raise InvalidInput(
                "consent.channel", f"{channel!r} is not a channel; use one of {', '.join(CHANNELS)}"
            )
        now = self.clock.now()
        if subject.id is not None and any(
            held.document.id == document.id for held in self.valid_signatures(subject.id, now)
        ):
            raise Conflict(
                "consent.already_signed",
                f"{ResidentId.parse(id_number).masked} already holds a valid signature of "
                f"{code} version {version}",
            )
        if subject.id is None:
            self.session.add(subject)
            self.session.flush()
        signature = Signature(
            subject_id=subject.id,
            document_id=document.id,
            document_sha256=document.sha256,
            channel=channel,
            signed_at=now,
        )
        self.session.add(signature)
        self.session.flush()
        log.info("consent.signed", id_number=subject.id_number, document=code, version=version)
        return signature

    def subject_for(self, id_number: str, name: str) -> Subject:
        """The registered subject, or a new (not yet added) one; the name must match."""
        resident = ResidentId.parse(id_number)
        clean = check_name(name)
        subject = self.repo.subject_by_id_number(IdType.RESIDENT_ID, resident.number)
        if subject is None:
            return Subject(
                id_type=IdType.RESIDENT_ID.value,
                id_number=resident.number,
                name=clean,
                created_at=self.clock.now(),
            )
        if subject.name != clean:
            raise Conflict(
                "subject.name_mismatch",
                f"ID number {resident.masked} is registered under another name",
            )
        return subject

    def subject(self, id_number: str) -> Subject:
        resident = ResidentId.parse(id_number)
        found = self.repo.subject_by_id_number(IdType.RESIDENT_ID, resident.number)
        if found is None:
            raise NotFound("subject.unknown", f"no subject with ID number {resident.masked}")
        return found

    def valid_signatures(self, subject_id: int, at: datetime) -> list[Held]:
        """The subject's signatures in force at ``at``, newest first."""
        return [h for h in self._held(Signature.subject_id == subject_id) if h.in_force(at)]

    def authorization(
        self, subject_id: int, scope: Scope, bureau: str, at: datetime
    ) -> AuthorizationRef | None:
        """The newest signature in force at ``at`` whose document covers ``scope`` and
        ``bureau``, as the reference an inquiry carries; None when there is none."""
        for held in self.valid_signatures(subject_id, at):
            if held.covers(scope, bureau):
                return held.reference
        return None

    def authorized_subjects(self, scope: Scope, bureau: str, at: datetime) -> set[int]:
        """Every subject holding, at ``at``, a signature that covers ``scope`` and ``bureau``
        (one query, for the furnishing batch)."""
        return {
            held.subject_id
            for held in self._held(Signature.signed_at <= at.astimezone(UTC))
            if held.covers(scope, bureau) and held.in_force(at)
        }

    def authorized_through(self, subject_id: int, scope: Scope, bureau: str, day: date) -> bool:
        """Whether a covering signature was in force at the end of ``day``, counting one
        revoked that day as still in force (the closure record's exception)."""
        return any(
            held.covers(scope, bureau) and held.in_force_through(day)
            for held in self._held(Signature.subject_id == subject_id)
        )

    def _held(self, *criteria: ColumnElement[bool]) -> list[Held]:
        """The signatures meeting ``criteria`` with their documents and revocations, newest
        first: the one query every consent question starts from."""
        rows = self.session.execute(
            select(
                Signature.id,
                Signature.subject_id,
                Signature.signed_at,
                Signature.channel,
                Signature.document_sha256,
                Signature.document_id,
                Revocation.revoked_at,
                Revocation.reason,
            )
            .outerjoin(Revocation, Revocation.signature_id == Signature.id)
            .where(*criteria)
            .order_by(Signature.signed_at.desc(), Signature.id.desc())
        ).all()
        if not rows:
            return []
        documents = {d.id: d for d in self.documents()}
        return [
            Held(
                signature_id,
                subject_id,
                stored_instant(signed_at),
                channel,
                sha256,
                documents[document_id],
                stored_instant(revoked_at) if revoked_at is not None else None,
                reason,
            )
            for (
                signature_id,
                subject_id,
                signed_at,
                channel,
                sha256,
                document_id,
                revoked_at,
                reason,
            ) in rows
        ]

    def revoke_all(self, subject_id: int, reason: str) -> int:
        """End every signature the subject holds now; the count ended."""
        now = self.clock.now()
        ended = 0
        for held in self.valid_signatures(subject_id, now):
            self.session.add(
                Revocation(signature_id=held.signature_id, revoked_at=now, reason=reason)
            )
            ended += 1
        if ended:
            self.session.flush()
            log.info("consent.revoked", subject=subject_id, signatures=ended, reason=reason)
        return ended

    def end_with_last_line(self, line: CreditLine) -> int:
        """Revoke the subject's authorization when ``line`` was their last open line."""
        others = self.session.scalar(
            select(CreditLine.id)
            .where(
                CreditLine.subject_id == line.subject_id,
                CreditLine.id != line.id,
                CreditLine.closed_on.is_(None),
            )
            .limit(1)
        )
        if others is not None:
            return 0
        return self.revoke_all(line.subject_id, f"line {line.account_code} closed")

    def history(self, id_number: str) -> list[ConsentEvent]:
        """Every signature, revocation and lapse of the subject, in time order."""
        subject = self.subject(id_number)
        events: list[ConsentEvent] = []
        for held in self._held(Signature.subject_id == subject.id):
            document = held.document
            name = f"{document.code} v{document.version}"
            events.append(
                ConsentEvent(
                    held.signed_at,
                    "signed",
                    name,
                    f"{held.reference.reference} via {held.channel}; scope {document.scope}; "
                    f"bureaus {document.bureaus}; sha256 {document.sha256[:12]}…",
                )
            )
            if held.revoked_at is not None:
                events.append(ConsentEvent(held.revoked_at, "revoked", name, held.reason or ""))
            elif (expiry := held.expiry) is not None:
                events.append(
                    ConsentEvent(china_time(expiry), "lapses", name, f"validity ends {expiry}")
                )
        return sorted(events, key=lambda e: (e.at, e.event != "signed"))

    # -- the service upgrade ----------------------------------------------------------------

    def start_campaign(
        self,
        code: str,
        document_code: str,
        version: int,
        notice_on: date,
        deadline: date,
        percent: int,
    ) -> Campaign:
        """A campaign for one document version, reaching ``percent`` of subjects from its
        notice date."""
        if not _CODE.match(code):
            raise InvalidInput("campaign.code", f"{code!r} is not a campaign code")
        if deadline <= notice_on:
            raise InvalidInput(
                "campaign.deadline_before_notice",
                f"the deadline {deadline} must come after the notice date {notice_on}",
            )
        if notice_on < self.clock.today():
            raise InvalidInput(
                "campaign.notice_in_past",
                f"the notice date {notice_on} is before today ({self.clock.today()})",
            )
        _check_percent(percent)
        document = self.document(document_code, version)
        if self.session.scalar(select(Campaign.id).where(Campaign.code == code)) is not None:
            raise Conflict("campaign.exists", f"campaign {code} exists already")
        now = self.clock.now()
        campaign = Campaign(
            code=code,
            document_id=document.id,
            notice_on=notice_on,
            deadline=deadline,
            created_at=now,
        )
        self.session.add(campaign)
        self.session.flush()
        self.session.add(
            CampaignStage(
                campaign_id=campaign.id, percent=percent, effective_on=notice_on, created_at=now
            )
        )
        self.session.flush()
        self._forget_campaigns()
        log.info("campaign.started", campaign=code, percent=percent, deadline=str(deadline))
        return campaign

    def widen(self, code: str, percent: int, effective_on: date | None = None) -> CampaignStage:
        """Raise the campaign's rollout to ``percent`` from ``effective_on`` (today)."""
        campaign = self.campaign(code)
        _check_percent(percent)
        day = effective_on or max(self.clock.today(), campaign.notice_on)
        stages = self._stages(campaign.id)
        current = stages[-1]
        if percent <= current.percent:
            raise InvalidInput(
                "campaign.narrowing",
                f"campaign {code} already reaches {current.percent} %; a rollout only grows",
            )
        if day < max(current.effective_on, self.clock.today()):
            raise InvalidInput(
                "campaign.stage_in_past",
                f"a new stage cannot start on {day}, before the last stage "
                f"({current.effective_on}) or today ({self.clock.today()})",
            )
        stage = CampaignStage(
            campaign_id=campaign.id, percent=percent, effective_on=day, created_at=self.clock.now()
        )
        self.session.add(stage)
        self.session.flush()
        self._forget_campaigns()
        log.info("campaign.widened", campaign=code, percent=percent, effective_on=str(day))
        return stage

    def _forget_campaigns(self) -> None:
        self._campaigns = None

    def campaign(self, code: str) -> Campaign:
        found = self.session.scalar(select(Campaign).where(Campaign.code == code))
        if found is None:
            raise NotFound("campaign.unknown", f"no campaign {code}")
        return found

    def _stages(self, campaign_id: int) -> list[CampaignStage]:
        return list(
            self.session.scalars(
                select(CampaignStage)
                .where(CampaignStage.campaign_id == campaign_id)
                .order_by(CampaignStage.percent)
            )
        )

    def _views(self, day: date) -> list[_CampaignView]:
        """The campaigns noticed by ``day`` (kept for the day within this unit of work)."""
        if self._campaigns is not None and self._campaigns[0] == day:
            return self._campaigns[1]
        rows = self.session.execute(
            select(Campaign, AuthorizationDocument, CampaignStage)
            .join(AuthorizationDocument, AuthorizationDocument.id == Campaign.document_id)
            .join(CampaignStage, CampaignStage.campaign_id == Campaign.id)
            .where(Campaign.notice_on <= day)
            .order_by(Campaign.id, CampaignStage.percent)
        ).all()
        views: dict[int, _CampaignView] = {}
        for campaign, document, stage in rows:
            view = views.get(campaign.id)
            stages = (
                (*view.stages, Stage(stage.percent, stage.effective_on))
                if view
                else (Stage(stage.percent, stage.effective_on),)
            )
            views[campaign.id] = _CampaignView(
                campaign.code,
                document.code,
                document.version,
                document.title,
                campaign.notice_on,
                campaign.deadline,
                stages,
            )
        self._campaigns = (day, list(views.values()))
        return self._campaigns[1]

    def prompts(self, subject_id: int, day: date | None = None) -> list[Prompt]:
        """The campaigns that reach the subject on ``day`` and that they have not answered."""
        day = day or self.clock.today()
        views = self._views(day)
        if not views:
            return []
        subject = self.session.get_one(Subject, subject_id)
        signed = self._signed_versions(subject_id)
        out = []
        for view in views:
            reached = view.reached_on(subject.id_number, day)
            if reached is None:
                continue
            if signed.get(view.document_code, 0) >= view.document_version:
                continue
            deadline = view.own_deadline(reached)
            out.append(
                Prompt(
                    view.code,
                    f"{view.document_code} v{view.document_version}",
                    view.title,
                    reached,
                    deadline,
                    day > deadline,
                )
            )
        return out

    def _signed_versions(self, subject_id: int) -> dict[str, int]:
        """The newest version of each document the subject holds in force now."""
        out: dict[str, int] = {}
        for held in self.valid_signatures(subject_id, self.clock.now()):
            out[held.document.code] = max(out.get(held.document.code, 0), held.document.version)
        return out

    def require_standing(self, subject_id: int) -> None:
        """Refuse new spending when a campaign's deadline passed without the signature.

        On the authorization path this is one small prepared read while no campaign is past
        its deadline (a subject's own deadline is never earlier than the campaign's)."""
        day = self.clock.today()
        if self.session.connection().execute(_PAST_DEADLINE, {"day": day}).first() is None:
            return
        for prompt in self.prompts(subject_id, day):
            if prompt.blocked:
                raise Refused(
                    "consent.required",
                    f"campaign {prompt.campaign}: sign 《{prompt.title}》 ({prompt.document}); "
                    f"the deadline was {prompt.deadline}. Repayments, refunds and closure "
                    "still work",
                    campaign=prompt.campaign,
                )

    def progress(self, code: str, day: date | None = None) -> CampaignProgress:
        """How far the campaign has come on ``day``: reached, signed, prompted, blocked and
        closed among the subjects with a line."""
        day = day or self.clock.today()
        campaign = self.campaign(code)
        view = next((v for v in self._views(day) if v.code == code), None)
        percent = view.stages[-1].percent if view else 0
        now = self.clock.now()
        subjects = self.session.execute(
            select(Subject.id, Subject.id_number).where(
                Subject.id.in_(select(CreditLine.subject_id))
            )
        ).all()
        open_subjects = set(
            self.session.scalars(
                select(CreditLine.subject_id).where(CreditLine.closed_on.is_(None))
            )
        )
        document = self.session.get_one(AuthorizationDocument, campaign.document_id)
        holders = self._holders(document.code, document.version, now)
        reached = signed = prompted = blocked = closed = 0
        for subject_id, id_number in subjects:
            when = view.reached_on(id_number, day) if view else None
            if when is None:
                continue
            reached += 1
            if subject_id not in open_subjects:
                closed += 1
            elif subject_id in holders:
                signed += 1
            elif view is not None and day > view.own_deadline(when):
                blocked += 1
            else:
                prompted += 1
        return CampaignProgress(
            code, percent, len(subjects), reached, signed, prompted, blocked, closed
        )

    def _holders(self, document_code: str, version: int, at: datetime) -> set[int]:
        """The subjects holding, at ``at``, a signature of ``version`` or a later one."""
        later = select(AuthorizationDocument.id).where(
            AuthorizationDocument.code == document_code, AuthorizationDocument.version >= version
        )
        return {
            held.subject_id
            for held in self._held(Signature.document_id.in_(later))
            if held.in_force(at)
        }


_CAMPAIGNS = Campaign.__table__
_PAST_DEADLINE = (
    select(_CAMPAIGNS.c.id)
    .where(_CAMPAIGNS.c.notice_on <= bindparam("day"), _CAMPAIGNS.c.deadline < bindparam("day"))
    .limit(1)
)


@dataclass(frozen=True, slots=True)
class Held:
    """A signature as the rules read it: its document, and when it was revoked, if it was."""

    signature_id: int
    subject_id: int
    signed_at: datetime
    channel: str
    sha256: str
    document: AuthorizationDocument
    revoked_at: datetime | None = None
    reason: str | None = None

    @property
    def expiry(self) -> date | None:
        """The first day the signature is no longer in force (None: until revoked)."""
        months = self.document.validity_months
        return None if months is None else add_months(business_date(self.signed_at), months)

    def in_force(self, at: datetime) -> bool:
        """Signed by ``at``, not revoked by then, and not lapsed."""
        at = stored_instant(at)
        if self.signed_at > at or (self.revoked_at is not None and self.revoked_at <= at):
            return False
        return self.expiry is None or business_date(at) < self.expiry

    def in_force_through(self, day: date) -> bool:
        """In force at the end of ``day``, a revocation during that day not yet counted."""
        before = self.revoked_at is not None and business_date(self.revoked_at) < day
        counted = replace(self, revoked_at=self.revoked_at if before else None)
        return counted.in_force(china_time(day, time.max))

    def covers(self, scope: Scope, bureau: str) -> bool:
        """Whether the signed document allows ``scope`` at ``bureau``."""
        document = self.document
        return Scope(document.scope).covers(scope) and bureau in document.bureaus.split(",")

    @property
    def reference(self) -> AuthorizationRef:
        return _reference(self.signature_id, self.sha256, self.signed_at, self.document)


def reference_of(signature: Signature, document: AuthorizationDocument) -> AuthorizationRef:
    """The reference an inquiry carries for ``signature``."""
    return _reference(signature.id, signature.document_sha256, signature.signed_at, document)


def _reference(
    signature_id: int, sha256: str, signed_at: datetime, document: AuthorizationDocument
) -> AuthorizationRef:
    return AuthorizationRef(
        reference=f"SIG{signature_id:010d}",
        signature_id=signature_id,
        document=f"{document.code} v{document.version}",
        document_sha256=sha256,
        signed_on=business_date(stored_instant(signed_at)),
        scope=Scope(document.scope),
        bureaus=tuple(document.bureaus.split(",")),
    )


def _check_percent(percent: int) -> None:
    if not 1 <= percent <= 100:
        raise InvalidInput("campaign.percent", f"a rollout is 1-100 %, not {percent}")
