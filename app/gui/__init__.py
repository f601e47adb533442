"""The PySide6 front end: the launcher, the window and its widgets. The only package that imports Qt;
the logic the window shows is in app/window (Qt-free controllers and settings)."""
