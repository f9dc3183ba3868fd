"""brightspots: qualitative coding and cross-country synthesis for positive-deviant schools."""

__version__ = "0.1.0"
