"""The test kit: one module of builders for the records tests need, beside the URL map.

Builders go through the apps' own services (the same path a user's request takes), so a test never
writes a status or a derived field by hand. Each app has its section below.
"""

# ----------------------------------------------------------------------------------------- cities


# ---------------------------------------------------------------------------------- conversations


# ---------------------------------------------------------------------------------- relationships


# ------------------------------------------------------------------------------------ disparities


# ---------------------------------------------------------------------------------------- library
