"""The gate's e-queue: capacity per gate, direction and lane type, the slots it makes, and trucks' bookings."""
