"""Receipt of a shipment by the buyer abroad (link, no account) or the Vietnamese importer (in the app)."""
