"""PaperPal's PySide6 desktop app: presentation only.

Widgets, Qt models and workers that call the same ``paperpal.*`` functions the CLI calls; the core
library never imports Qt. ``paperpal gui`` and the ``paperpal-gui`` entry point start :func:`ui.app.main`.
"""
