"""The rest of the desktop, Qt-free: text typed or pasted into the focused application, the global
dictation shortcut, the single running instance and its local control socket."""
