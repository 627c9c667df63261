"""The colours of every PDF: table rules and grids, header shading."""

from reportlab.lib import colors

RULE = colors.HexColor("#777777")
GRID = colors.HexColor("#8a8a8a")
SHADE = colors.HexColor("#ececec")
