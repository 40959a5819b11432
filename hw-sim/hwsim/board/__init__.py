"""The reference board, simulated: chip models, desk phones, and an RPi.GPIO-compatible module.

``ReferenceBoard`` (reference.py) wires ``chips`` and ``handset`` desk phones to a
``fake_rpi_gpio.FakeRPiGPIO``; ``desks`` seats simulated operators at the phones and gives the
simulator the gpio driver on that board. See docs/wiring.md.
"""
