"""A figure on a home page: a number, what it counts, and the list or report that shows the same number."""

from dataclasses import dataclass, field


@dataclass
class Figure:
    """One number with its label and the link to the page that lists (or reports) exactly that number.

    `check` names where the linked page shows the number: `rows` (a list whose length is the number, its total
    in `[data-total]`) or a CSS selector of the element holding the same formatted figure.
    """

    key: str
    label: str
    number: object
    url: str
    check: str = "rows"
    tone: str = "secondary"
    money: bool = False
    extra: dict = field(default_factory=dict)

    @property
    def is_zero(self):
        return not self.number
