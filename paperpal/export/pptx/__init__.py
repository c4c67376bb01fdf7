"""Group-meeting decks as editable .pptx: template handling, text fitting, deck building."""

from .deck import DeckBuilder, add_outline, build_deck
from .template import Template, open_template

__all__ = ["DeckBuilder", "Template", "add_outline", "build_deck", "open_template"]
