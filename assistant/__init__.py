"""Linjiang plan assistant: cited answers about 《临江市生态文明建设示范区建设规划（2024—2035年）》."""

__version__ = "0.1.0"
