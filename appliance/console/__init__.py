"""The technician console: one command table served on a control socket and a serial port."""
