"""Seoul RTIS: plans, money, indicators and reports of Seoul's innovation-growth policy."""

__version__ = "0.1.0"
