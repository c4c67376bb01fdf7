"""PaperPal's text rules, each in one place: normalising, sentences, CJK, facts and the claim-level support check.

- :mod:`.normal`: NFKC + collapsed whitespace (:func:`normalise`), the squashed form quotes are matched in
  (:func:`squash`), the form titles are compared in (:func:`~.normal.plain`), ligatures a PDF font draws
  (:func:`~.normal.expand_ligatures`), and the CJK character class every module uses (:data:`CJK`; with CJK
  punctuation and full-width forms: :data:`~.normal.CJK_TEXT`).
- :mod:`.sentences`: sentence splitting that knows "et al.", "e.g.", "Fig. 3", decimals and Chinese punctuation
  (and the raw-offset variant the chunker cuts by, :func:`~.sentences.sentence_spans`).
- :mod:`.section_kinds`: what a section is for, from its title: its kind, back matter, the reference list.
- :mod:`.prose`: whether a sentence is readable prose, and its readable form.
- :mod:`.facts`: the numbers and names a statement states.
- :mod:`.zh_terms`: the bilingual map of ML/NLP terms.
- :mod:`.support`: whether a passage of the paper supports a statement (the one definition of "supported").
"""

from .normal import CJK, has_cjk, normalise, squash
from .sentences import sentences

__all__ = ["CJK", "has_cjk", "normalise", "sentences", "squash"]
