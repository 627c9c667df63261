"""Tariff quotas for Cambodian goods (Decree 56/2026/NĐ-CP): records per period, and each shipment's claim on one.

Shipments and crossings call the services here with plain data (a quota code, a gate code, the goods lines as
(hs_code, net_weight_kg)); this package never imports them.
"""
