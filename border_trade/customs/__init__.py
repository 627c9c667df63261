"""A shipment's customs declaration (VNACCS number, type code, channel, status), the customs data handoff for the
declarant's software (XLSX/XML by profile) and the ASEAN Customs Declaration Document's fields (issue 18)."""
