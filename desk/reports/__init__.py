"""Oversight: dashboard figures, server-side SVG charts and the register export."""
