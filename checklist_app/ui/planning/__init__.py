"""The pre-admission call: its window (the checklist's window showing only what a call settles ahead), the
plan's calendar dialog, and the small hooks the worklist and the day's checklist window call."""
