"""The window's Qt-free state and logic: settings and the controllers, which talk to the widgets only
through the view protocols in `views.py`, so tests drive them with fakes and no window."""
