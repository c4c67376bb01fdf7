"""PaperPal's text rules, each in one place: normalising, sentences, CJK, facts and the claim-level support check.

- :mod:`.normal`: NFKC + collapsed whitespace (:func:`normalise`), the squashed form quotes are matched in
  (:func:`squash`), and the CJK character class every module uses (:data:`CJK`).
- :mod:`.sentences`: sentence splitting that knows "et al.", "e.g.", "Fig. 3", decimals and Chinese punctuation.
- :mod:`.facts`: the numbers and names a statement states.
- :mod:`.support`: whether a passage of the paper supports a statement (the one definition of "supported").
"""

from .normal import CJK, has_cjk, normalise, squash
from .sentences import sentences

__all__ = ["CJK", "has_cjk", "normalise", "sentences", "squash"]
