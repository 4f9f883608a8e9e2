"""Signals hiring sends for what other packages keep about a job.

hiring never imports assessments; where a change on the hiring side ends something
the assessments side holds (a panel seat of someone taken off the team), it says so
here and assessments' receivers act, in the same transaction.
"""

from django.dispatch import Signal

# Sent inside the transaction that takes ``user`` off ``job``'s hiring team.
team_member_removed = Signal()

# Sent inside the transaction that links a hire's outcome to another manager's Criba
# account (or to none): what the hire agreed to show is for the manager they
# agreed to, not for whoever comes next.
outcome_manager_changed = Signal()
