"""What each audited action is called on a timeline, and whether the group may read it.

The apps that write an action declare it here in their ``AppConfig.ready()``; undeclared actions
show their dotted name and stay internal."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Action:
    title: str
    shared_with_group: bool = False


_actions: dict[str, Action] = {}


def declare(name: str, title, *, shared_with_group: bool = False) -> None:
    _actions[name] = Action(title=title, shared_with_group=shared_with_group)


def action(name: str) -> Action:
    return _actions.get(name, Action(title=name))
