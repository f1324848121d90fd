"""What the notifications floor tells the floors above."""

from django.dispatch import Signal

# Sent with `user_ids` when those people's unread counts changed (a notification came in, or
# they read some), so pages that show the bell and are kept in memory can be dropped.
inbox_changed = Signal()

# Sent with `notification` and `user` when its recipient opened it from the inbox (a deliberate
# click): the floor that sent it may mark what it told of as read.
notification_opened = Signal()
