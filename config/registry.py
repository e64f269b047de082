"""An ordered list that apps above fill in ``AppConfig.ready()``: how a lower layer learns of a
higher one without importing it (reminder rules, sections of a page, timeline entries)."""


class Registry:
    def __init__(self, name: str):
        self.name = name
        self._entries: list[tuple[int, object]] = []

    def register(self, entry=None, *, order: int = 100):
        """Add ``entry``; usable as ``@registry.register`` or ``@registry.register(order=10)``."""

        def add(item):
            if item not in (e for _o, e in self._entries):
                self._entries.append((order, item))
                self._entries.sort(key=lambda pair: pair[0])
            return item

        return add(entry) if entry is not None else add

    def __iter__(self):
        return iter([entry for _order, entry in self._entries])

    def __repr__(self):
        return f"<Registry {self.name}: {len(self._entries)} entries>"
