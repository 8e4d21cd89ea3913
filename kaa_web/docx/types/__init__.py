"""Document types: what a type is (`shape`), the variables documents share (`variables`) and the
catalogue of every type (`catalogue`). Named here: what the engine, the features and the tests
use."""

from kaa_web.docx.types.catalogue import DOCUMENT_TYPES, get_type
from kaa_web.docx.types.shape import DocumentType
from kaa_web.docx.types.variables import EXAMPLE_LOGO

__all__ = ["DOCUMENT_TYPES", "EXAMPLE_LOGO", "DocumentType", "get_type"]
