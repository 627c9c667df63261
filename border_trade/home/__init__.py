"""The home page at `/`: each role's workspace (a trader's work to do, the officer's tablet, the province's
figures against its targets, the administrator's health checks). It reads many domains and is read by none."""
