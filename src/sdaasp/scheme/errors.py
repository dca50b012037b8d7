"""Errors a user of the scheme can cause and fix (French messages)."""

from sdaasp.errors import SdaaspError


class SchemeError(SdaaspError):
    """A step of the procedure or programme refused, with the reason in French."""


class SchemeNotFoundError(SchemeError):
    """No scheme loaded for this département."""
