"""Group-meeting slides: one :class:`~paperpal.model.Paper` in, one :class:`~.model.Outline` (cover, agenda,
content slides, summary) and a .pptx deck out; or many papers in, one deck each and a digest.

The *structure* is planned from the paper, not asked of the model (:mod:`.plan`): one content slide per part of the
paper, each with its section number, title and pages and the figure or table that part mentions.  The model only
writes text, one slide at a time, as JSON against a tight schema (:mod:`.write`); every detail it writes is checked
against the section text (:mod:`.verify`) and what fails is replaced by the section's own sentences that carry
numbers and names (:mod:`.details`, extractive, never invented).

- :mod:`.model`: the outline's data types (:class:`~.model.Outline`, :class:`~.model.ContentSlide`,
  :class:`~.model.FigureRef`); :mod:`.labels`: the words a deck prints in each language.
- :mod:`.plan`: which parts of the paper become slides, their figures and the agenda.
- :mod:`.details`: scoring and picking the paper's own sentences as slide details.
- :mod:`.verify`: which model-written text is kept (the slides' fact check).
- :mod:`.write`: the model writer (schema, excerpt, asking).
- :mod:`.questions`: template questions for the audience.
- :mod:`.notes`: speaker notes.
- :mod:`.outline`: :func:`~.outline.make_outline`, putting the above together.
- :mod:`.markdown`: the outline and the batch digest as Markdown (``templates/outline.*.md.j2``,
  ``templates/digest.*.md.j2``).
- :mod:`.deck`: one paper's outline and deck (:func:`~.deck.slide_outline`, :func:`~.deck.make_slides`).
- :mod:`.batch`: many papers' decks, resumable, with a digest (:func:`~.batch.batch_slides`).

The package imports nothing at its top so that the export layer can read :mod:`.model` without the model code.
"""
