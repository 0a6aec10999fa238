# Type stubs for itsm.dask. Dask collections are typed Any: dask ships no type information that
# mypy --strict accepts, and the stubs must check without dask installed.
import datetime as _dt
from typing import Any, Dict, Optional, Sequence, Union

from . import Audit, Calendar, Report, Workflow

def deadlines(data: Any, calendar: Calendar, start: Optional[str] = ..., budget: Any = ...,
              at_close: str = ..., dst: str = ...) -> Any: ...
def between(data: Any, calendar: Calendar, start: Optional[str] = ..., end: Any = ...,
            at_close: str = ..., dst: str = ...) -> Any: ...
def report(events: Any, policy: Union[None, str, Dict[str, Any]] = ..., now: Union[None, _dt.datetime, str] = ...,
           workflows: Sequence[Workflow] = ..., order: str = ..., split_every: int = ...) -> Report: ...
def audit(events: Any, policy: Union[None, str, Dict[str, Any]] = ..., now: Union[None, _dt.datetime, str] = ...,
          workflows: Sequence[Workflow] = ..., order: str = ..., split_every: int = ...) -> Audit: ...
