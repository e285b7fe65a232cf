"""Issue 20's crash without the app: CPython 3.11 collects garbage inside the allocation of an
object's materialised __dict__, and a weakref callback changes that same object meanwhile.

    python -X faulthandler bench/managed_dict_gc.py     # 3.11: SIGSEGV or an assertion; 3.12: passes

What SQLAlchemy does, in miniature. An object whose attributes are kept inline (a "managed
dict", like SQLAlchemy's InstanceState) is given an attribute outside its class's shared keys:
3.11 builds a real dict from the inline values, and allocating that dict can start a collection
(3.12 only schedules one there: CPython gh-97922). The collection frees an object in a reference
cycle whose weakref callback changes the first object, as `InstanceState._cleanup` changes its
state when the mapped object is collected. Afterwards the dict's count disagrees with the
values it was built from and two dicts can own one values array: CPython 3.11.7 and Debian's
3.11.2 crash, Debian's debug build stops at `get_index_from_order: Assertion ... failed`.
core/orm_references.py is the app's fix: a request's session keeps its objects reachable, so
their callbacks cannot run while SQLAlchemy changes their states.
"""

from __future__ import annotations

import gc
import sys
import weakref


class Managed:
    """Instances keep their attributes inline until a __dict__ is needed."""


class Cycle:
    pass


# Fill the class's shared keys (30 names in 3.11): any further name takes the path that builds
# a dict from the inline values.
_filler = Managed()
for _number in range(40):
    setattr(_filler, f"a{_number}", _number)


def one_round() -> tuple[Managed, weakref.ref]:
    target = Managed()
    for number in range(5):
        setattr(target, f"a{number}", object())

    def callback(_ref):  # what InstanceState._cleanup does to its state
        del target.a1
        target.late = None

    garbage = Cycle()
    garbage.me = garbage
    ref = weakref.ref(garbage, callback)
    del garbage
    dicts = [{} for _ in range(200)]  # empty the dict free list: the next dict is a GC allocation
    gc.set_threshold(1)  # and that allocation collects
    try:
        target.not_shared = object()  # not in the shared keys: a dict is built from the values
    finally:
        gc.set_threshold(700)
    del dicts
    return target, ref


def main() -> int:
    for _ in range(200):
        target, _ref = one_round()
        attributes = vars(target)
        if len(attributes) != len(list(attributes)):
            print(f"corrupt __dict__: {len(attributes)} entries counted, {list(attributes)}")
            return 1
        del target, attributes
        gc.collect()
    print(f"no corruption in 200 rounds on {sys.version.split()[0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
