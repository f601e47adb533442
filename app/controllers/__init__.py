"""Qt-free controllers: the window's logic, talking to it only through the view protocols in
`views.py`, so tests drive them with a fake view and no window."""
