# Type stubs for itsm.dask. Dask collections are typed Any: dask ships no type information that
# mypy --strict accepts, and the stubs must check without dask installed.
from typing import Any, Optional

from . import Calendar

def deadlines(data: Any, calendar: Calendar, start: Optional[str] = ..., budget: Any = ...,
              at_close: str = ..., dst: str = ...) -> Any: ...
def between(data: Any, calendar: Calendar, start: Optional[str] = ..., end: Any = ...,
            at_close: str = ..., dst: str = ...) -> Any: ...
