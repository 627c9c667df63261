"""The province's workspace: regional linkage groups and yearly targets (province officers' only writes)."""
