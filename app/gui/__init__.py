"""The PySide6 window. Qt code lives only here and in app/launch.py; the logic it shows is in
app/controllers and the Qt-free modules beside it."""
