from .detail import (
    instance_move,
    instance_remove,
    instance_timer,
    instance_times,
    instance_update,
    instance_values,
    session_add_activity,
    session_complete,
    session_detail,
    session_edit,
    session_reopen,
    session_reorder,
    session_start,
)
from .listing import session_create, session_list

__all__ = [
    "instance_move",
    "instance_remove",
    "instance_timer",
    "instance_times",
    "instance_update",
    "instance_values",
    "session_add_activity",
    "session_complete",
    "session_create",
    "session_detail",
    "session_edit",
    "session_list",
    "session_reopen",
    "session_reorder",
    "session_start",
]
