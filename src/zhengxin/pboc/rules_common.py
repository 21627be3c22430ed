"""Rules every record type shares: the institution checks of §1.7 and the report date.

ABE002 (an identifier's first 14 characters are a data-provider code of the submitter),
ABE003 (an institution code is registered under the submitter's head office), both against
the registry of the file's context, and ABR001 (the report date is not later than the file's
creation date, §2.4). Each book declares them on its own items with these functions.
"""

from __future__ import annotations

from datetime import date

from zhengxin.pboc.rules import INSTITUTION, LATER_THAN_FILE, PROVIDER_PREFIX, Record, RuleBook


def prefix_ok(record: Record, text: str | None) -> bool:
    """Whether an identifier's first 14 characters are a data-provider code of the submitter.

    Vacuous when the text is absent or blank, or when the record is checked outside a file.
    """
    institution = record.context.institution
    if not text or institution is None:
        return True
    return record.context.registry.provider_ok(text[:14], institution)


def prefix_rule(book: RuleBook, segment: str, tag: str) -> None:
    """Declare ABE002 on identifier ``tag`` of ``segment`` (§1.7)."""

    def test(record: Record) -> bool:
        return prefix_ok(record, record.text(segment, tag))

    test.__doc__ = (
        f"{tag}'s first 14 characters must be a data-provider code of the submitting "
        "institution (§1.7)."
    )
    book.on_item(segment, tag, PROVIDER_PREFIX)(test)


def institution_rule(book: RuleBook, segment: str, tag: str) -> None:
    """Declare ABE003 on institution code ``tag`` of ``segment`` (§1.7)."""

    def test(record: Record) -> bool:
        text, institution = record.text(segment, tag), record.context.institution
        if not text or institution is None:
            return True
        return record.context.registry.institution_ok(text, institution)

    test.__doc__ = f"{tag} is not a registered institution of the submitter's head office (§1.7)."
    book.on_item(segment, tag, INSTITUTION)(test)


def not_after_file_rule(book: RuleBook, segment: str, tag: str = "RptDate") -> None:
    """Declare ABR001: the report date is not later than the file's creation date."""

    def test(record: Record) -> bool:
        value: date | None = record.value(segment, tag)
        file_date = record.context.file_date
        return value is None or file_date is None or value <= file_date

    test.__doc__ = f"{tag} is later than the file's creation date."
    book.on_item(segment, tag, LATER_THAN_FILE)(test)
