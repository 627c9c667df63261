"""Origin proof (Form D, e-Form D, form S, a certified exporter's origin declaration) followed to its end, and the
e-invoice of an export with its legal deadline (issue 18)."""
