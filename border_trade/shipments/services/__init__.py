"""Shipment use cases; each public function owns its commit."""

from .create import create_shipment, create_shipment_once, update_shipment
from .moves import move_shipment, shipment_requirements

__all__ = ["create_shipment", "create_shipment_once", "move_shipment", "shipment_requirements", "update_shipment"]
