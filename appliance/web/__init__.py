"""The owner's web page: pieces that ``appliance.webapp`` wires into one bottle app."""
