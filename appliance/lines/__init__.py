"""Line drivers: one phone line each (simulated, GSM module or analog voice modem)."""
