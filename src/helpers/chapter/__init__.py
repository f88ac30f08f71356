"""The notebook-facing API: each notebook makes its chapter once from its parameters, then calls its blocks."""
from helpers.chapter.base import Block, Chapter
from helpers.chapter.parts import (
    Cleaning,
    Conclusion,
    Context,
    Intention,
    KeyFindings,
    Literacy,
    Needs,
    Places,
    ProsCons,
    Usage,
    Waves,
)

__all__ = ["Block", "Chapter", "Cleaning", "Conclusion", "Context", "Intention", "KeyFindings", "Literacy", "Needs", "Places", "ProsCons", "Usage", "Waves"]
