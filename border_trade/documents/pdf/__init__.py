"""The customs documents (invoice, packing list, Form D, crossing manifest), built on the shared `border_trade.pdf`."""
