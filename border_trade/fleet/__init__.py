"""Vehicles and drivers of a trader: the register, plates in one spelling, the cross-border permit rules."""
